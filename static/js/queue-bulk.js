// The queue's bulk decisions: "select all on this page", "select all that match the filters"
// (every page; the server resolves the filters) and a running total of the selection per
// country against its remaining budget, before the confirm step. Without JavaScript the
// checkboxes and "Continue" work alone; these controls stay hidden.
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  var totals = document.getElementById("bulk-total");
  if (!form || !totals) {
    return;
  }
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="proposals"]'));
  var pageBox = document.getElementById("select-page");
  var allMatching = form.querySelector('input[name="all_matching"]');
  var matchingButton = document.getElementById("select-matching");
  var matchingNote = document.getElementById("matching-selected");
  var clearButton = document.getElementById("clear-selection");
  var language = document.documentElement.lang || "en";
  var count = new Intl.NumberFormat(language);
  var number = new Intl.NumberFormat(language, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });

  function cents(text) {
    return Math.round(parseFloat(text || "0") * 100);
  }

  function money(amountInCents, currency) {
    var shown = number.format(amountInCents / 100);
    return totals.dataset.currencyFirst ? currency + " " + shown : shown + " " + currency;
  }

  function selection() {
    var byCountry = {};
    if (allMatching && allMatching.value === "1") {
      totals.querySelectorAll("tr[data-country]").forEach(function (row) {
        byCountry[row.dataset.country] = {
          count: parseInt(row.dataset.matchingCount, 10),
          total: cents(row.dataset.matchingTotal),
        };
      });
      return byCountry;
    }
    boxes.forEach(function (box) {
      if (!box.checked) {
        return;
      }
      var row = box.closest("tr");
      var country = row.dataset.country;
      byCountry[country] = byCountry[country] || { count: 0, total: 0 };
      byCountry[country].count += 1;
      byCountry[country].total += cents(row.dataset.amount);
    });
    return byCountry;
  }

  function update() {
    var chosen = selection();
    totals.querySelectorAll("tr[data-country]").forEach(function (row) {
      var mine = chosen[row.dataset.country] || { count: 0, total: 0 };
      var over = mine.total > cents(row.dataset.remaining);
      row.querySelector(".selected-count").textContent = count.format(mine.count);
      row.querySelector(".selected-total").textContent = money(mine.total, row.dataset.currency);
      row.classList.toggle("text-danger", over);
      row.querySelector(".over-budget").hidden = !over;
    });
    if (pageBox) {
      var ticked = boxes.filter(function (box) {
        return box.checked;
      }).length;
      pageBox.checked = boxes.length > 0 && ticked === boxes.length;
      pageBox.indeterminate = ticked > 0 && ticked < boxes.length;
    }
  }

  function setAllMatching(on) {
    if (!allMatching) {
      return;
    }
    allMatching.value = on ? "1" : "";
    if (matchingButton) {
      matchingButton.hidden = on;
    }
    if (matchingNote) {
      matchingNote.hidden = !on;
    }
  }

  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      if (!box.checked) {
        setAllMatching(false);
      }
      update();
    });
  });
  if (pageBox) {
    pageBox.hidden = boxes.length === 0;
    pageBox.addEventListener("change", function () {
      boxes.forEach(function (box) {
        box.checked = pageBox.checked;
      });
      if (!pageBox.checked) {
        setAllMatching(false);
      }
      update();
    });
  }
  if (matchingButton) {
    matchingButton.hidden = false;
    matchingButton.addEventListener("click", function () {
      boxes.forEach(function (box) {
        box.checked = true;
      });
      setAllMatching(true);
      update();
      if (clearButton) {
        clearButton.focus();
      }
    });
  }
  if (clearButton) {
    clearButton.addEventListener("click", function () {
      boxes.forEach(function (box) {
        box.checked = false;
      });
      setAllMatching(false);
      update();
      if (matchingButton) {
        matchingButton.focus();
      }
    });
  }
  totals.hidden = false;
  update();
})();
