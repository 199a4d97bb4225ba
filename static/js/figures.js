// Draws the programme figures' charts from the JSON the page renders (json_script). Without
// JavaScript (or Chart.js) the tables beside each chart carry the same numbers.
(function () {
  "use strict";
  var source = document.getElementById("figures-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colours = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997"];

  function draw(id, chart, type) {
    var canvas = document.getElementById("chart-" + id);
    if (!canvas || !chart) {
      return;
    }
    var several = chart.series.length > 1;
    new window.Chart(canvas, {
      type: type,
      data: {
        labels: chart.labels,
        datasets: chart.series.map(function (series, index) {
          return {
            label: series.label,
            data: series.data,
            backgroundColor: several || type === "bar" ? colours[index % colours.length] : colours,
          };
        }),
      },
      options: {
        responsive: true,
        plugins: { legend: { display: several || type !== "bar" } },
        scales: type === "bar" ? { y: { beginAtZero: true, ticks: { precision: 0 } } } : {},
      },
    });
  }

  draw("countries", data.countries, "bar");
  draw("ages", data.ages, "bar");
  draw("genders", data.genders, "doughnut");
  draw("focus", data.focus, "bar");
})();
