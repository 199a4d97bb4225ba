// Live hints on the report form: do the age bands and the genders add up to the total, and is
// no group larger than the total? Only a hint while typing: the server checks on save and submit
// (events/reports.py), and its answer replaces these hints after every save.
// Autosave, "Saved at" and keeping input when the session ends come from proposal-form.js.
(function () {
  "use strict";

  function texts() {
    var el = document.getElementById("report-messages");
    return el ? el.dataset : {};
  }

  function number(form, name) {
    var input = form.querySelector("[name='" + name + "']");
    var value = input ? parseInt(input.value, 10) : 0;
    return isNaN(value) ? 0 : value;
  }

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }

  function show(hint, message, isProblem) {
    hint.textContent = message;
    hint.classList.toggle("text-danger", isProblem);
    hint.classList.toggle("fw-semibold", isProblem);
    hint.classList.toggle("text-success", !isProblem && message !== "");
  }

  function check(form) {
    var t = texts();
    var total = number(form, "participants_total");
    form.querySelectorAll("[data-sum-of]").forEach(function (hint) {
      var names = hint.getAttribute("data-sum-of").split(" ");
      var sum = names.reduce(function (acc, name) { return acc + number(form, name); }, 0);
      if (total === 0 && sum === 0) return show(hint, "", false);
      if (sum === total) return show(hint, t.sumOk || "", false);
      show(hint, fill(t.sumOff, { sum: sum, total: total }), true);
    });
    form.querySelectorAll("[data-at-most-total]").forEach(function (hint) {
      var count = number(form, hint.getAttribute("data-at-most-total"));
      if (count > total) show(hint, fill(t.overTotal, { count: count, total: total }), true);
      else show(hint, "", false);
    });
  }

  // "Save" and "Send the report" post the whole form: the page's own autosave-on-leave
  // (proposal-form.js) need not post it a second time.
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute("data-report-form")) delete event.target.dataset.dirty;
  });

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-report-form")) check(form);
  });
})();
