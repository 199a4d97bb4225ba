// Enhancements for the proposal form; the form works without them.
// - character counters ("45 / 120") on fields with a limit
// - "Saved at" shown in the browser's local time
// - a dirty section is posted with keepalive when the page is hidden or left
(function () {
  "use strict";

  function updateCounter(input) {
    var counter = document.querySelector('[data-counter-for="' + input.id + '"]');
    if (!counter) return;
    var max = input.getAttribute("maxlength");
    counter.textContent = input.value.length + " / " + max;
    counter.classList.toggle("text-danger", input.value.length >= Number(max));
  }

  function localTimes(root) {
    root.querySelectorAll("time[data-local-time]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (!isNaN(when)) {
        el.textContent = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      }
    });
  }

  function init(root) {
    root.querySelectorAll("[data-counter]").forEach(updateCounter);
    localTimes(root);
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target.hasAttribute && target.hasAttribute("data-counter")) updateCounter(target);
    var form = target.form;
    if (form && form.hasAttribute("data-autosave")) form.dataset.dirty = "1";
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    init(event.detail.target.isConnected ? event.detail.target : document);
  });

  function flush() {
    document.querySelectorAll("form[data-autosave][data-dirty='1']").forEach(function (form) {
      delete form.dataset.dirty;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        keepalive: true,
        credentials: "same-origin",
        headers: { "HX-Request": "true" },
      });
    });
  }

  // An invalid section answers 400 with its errors: show them (htmx skips 4xx by default).
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400 && event.detail.elt.hasAttribute("data-autosave")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.dataset) delete form.dataset.dirty;
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", flush);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
