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
        // In the page's language (the one chosen on the site), not the browser's.
        var language = document.documentElement.lang || [];
        el.textContent = when.toLocaleTimeString(language, { hour: "2-digit", minute: "2-digit" });
      }
    });
  }

  // "Add another line" copies the empty line the server put in a <template>; the formset's
  // TOTAL_FORMS count tells Django how many lines are posted.
  function addBudgetLine(button) {
    var form = button.form;
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
    var template = form.querySelector("template#budget-empty-line");
    var index = Number(total.value);
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var line = holder.firstElementChild;
    form.querySelector(".budget-lines").appendChild(line);
    total.value = String(index + 1);
    init(line);
    line.querySelector("select, input").focus();
  }

  function init(root) {
    root.querySelectorAll("[data-counter]").forEach(updateCounter);
    root.querySelectorAll("[data-add-budget-line]").forEach(function (button) {
      button.hidden = false;
    });
    localTimes(root);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-budget-line]");
    if (button) addBudgetLine(button);
  });

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
  // htmx 2 gives the target (the section) as detail.elt; the form is the request's element.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig;
    var form = (config && config.elt) || event.detail.elt;
    if (event.detail.xhr.status === 400 && form.hasAttribute("data-autosave")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A file answer is stored once: clear the chosen file after a save, so that the next autosave
  // of the section does not send it again (the section's help text names the stored file).
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!event.detail.successful || !form.hasAttribute || !form.hasAttribute("data-autosave")) return;
    form.querySelectorAll("input[type='file']").forEach(function (input) { input.value = ""; });
  });

  // A budget line is stored only with a category and an amount, and the answer replaces the
  // whole section: posting a half-filled line would show "required" errors and wipe what is typed
  // meanwhile. Wait until every started line is complete (the form stays dirty, so leaving the
  // page still posts it).
  function hasHalfLine(form) {
    return Array.prototype.some.call(form.querySelectorAll(".budget-line"), function (line) {
      var category = line.querySelector("select[name$='-category']");
      var amount = line.querySelector("input[name$='-amount']");
      var description = line.querySelector("input[name$='-description']");
      var started = [category, amount, description].some(function (el) { return el && el.value; });
      return started && !(category && category.value && amount && amount.value);
    });
  }

  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail.elt;
    if (form.querySelector && form.querySelector(".budget-lines") && hasHalfLine(form)) {
      event.preventDefault();
    }
  });

  // The session ended while typing: the server answers 401 (meetandcode/middleware.py). Keep
  // every unsaved section in this browser, offer to log in again, and put it back afterwards.
  // The same when the person switches language: the page comes back under another prefix
  // (/de/my/proposals/5/edit/), so the kept input is filed under the address without it.
  function withoutLanguage(url) {
    var path = new URL(url, window.location.href).pathname;
    var codes = Array.from(document.querySelectorAll(".language-switcher option"), function (o) {
      return o.value;
    });
    var first = path.split("/")[1];
    return codes.indexOf(first) !== -1 ? path.slice(first.length + 1) : path;
  }
  var KEPT = "meetandcode:unsaved:" + withoutLanguage(window.location.href);

  function showStatus(form, templateId) {
    var status = form.querySelector(".save-status");
    var template = document.getElementById(templateId);
    if (status && template) status.innerHTML = template.innerHTML;
  }

  function keepUnsaved(everySection) {
    var kept = {};
    var which = everySection ? "form[data-autosave]" : "form[data-autosave][data-dirty='1']";
    document.querySelectorAll(which).forEach(function (form) {
      kept[withoutLanguage(form.action)] = Array.from(new FormData(form).entries()).filter(
        function (pair) { return pair[0] !== "csrfmiddlewaretoken" && typeof pair[1] === "string"; }
      );
    });
    try { window.localStorage.setItem(KEPT, JSON.stringify(kept)); } catch (e) { /* full */ }
  }

  function putBack(form, pairs) {
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
    var wanted = pairs.filter(function (pair) { return pair[0] === (total && total.name); });
    var button = form.querySelector("[data-add-budget-line]");
    while (total && button && wanted.length && Number(total.value) < Number(wanted[0][1])) {
      addBudgetLine(button);
    }
    form.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (!field.name || field.name === "csrfmiddlewaretoken" || field.type === "hidden") return;
      var values = pairs.filter(function (pair) { return pair[0] === field.name; })
        .map(function (pair) { return pair[1]; });
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.indexOf(field.value) !== -1;
      } else if (field.multiple) {
        Array.from(field.options).forEach(function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else if (values.length) {
        field.value = values[0];
      }
    });
  }

  function restoreUnsaved() {
    var kept;
    try { kept = JSON.parse(window.localStorage.getItem(KEPT) || "null"); } catch (e) { kept = null; }
    if (!kept) return;
    window.localStorage.removeItem(KEPT);
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      var pairs = kept[withoutLanguage(form.action)];
      if (!pairs) return;
      var before = JSON.stringify(Array.from(new FormData(form).entries()));
      putBack(form, pairs);
      if (JSON.stringify(Array.from(new FormData(form).entries())) === before) return;
      init(form);
      form.dataset.dirty = "1";
      showStatus(form, "restored");
      window.htmx.trigger(form, "change");
    });
  }

  document.addEventListener("htmx:responseError", function (event) {
    var form = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
    if (!form.hasAttribute || !form.hasAttribute("data-autosave")) return;
    if (event.detail.xhr.status === 401) {
      form.dataset.dirty = "1";
      keepUnsaved();
      showStatus(form, "session-ended");
    } else if (event.detail.xhr.status >= 500 || event.detail.xhr.status === 429) {
      retryLater(form);  // the server failed, or asks to slow down: the same section, later
    }
  });

  // A save that failed on the server's side (5xx, 429) or on the way (no network): nothing on
  // the page changes (what was typed stays in the fields), the status says so, and the section
  // is sent again after 3, 6, 12 ... seconds (at most a minute apart) until it is saved.
  function retryLater(form) {
    var attempt = Number(form.dataset.retries || 0) + 1;
    form.dataset.retries = String(attempt);
    form.dataset.dirty = "1";
    keepUnsaved();
    showStatus(form, "save-failed");
    window.clearTimeout(form._retry);
    form._retry = window.setTimeout(function () {
      if (form.isConnected) window.htmx.trigger(form, "change");
    }, Math.min(3000 * Math.pow(2, attempt - 1), 60000));
  }

  document.addEventListener("htmx:sendError", function (event) {
    var form = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
    if (form.hasAttribute && form.hasAttribute("data-autosave")) retryLater(form);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
    if (event.detail.successful && form.dataset && form.dataset.retries) {
      delete form.dataset.retries;
      window.clearTimeout(form._retry);  // saved meanwhile (typing goes on): no extra send
      if (!document.querySelector("form[data-autosave][data-retries]")) {
        window.localStorage.removeItem(KEPT);  // nothing left to keep in this browser
      }
    }
  });

  // With DEBUG on, django-htmx replaces the whole document with an error answer (its
  // htmx:beforeOnLoad listener on the document). For an autosave that would throw away every
  // section on the screen: stop the event before it reaches the document, and handle the
  // answer here (400 shows the section's errors, 5xx retries).
  window.addEventListener(
    "htmx:beforeOnLoad",
    function (event) {
      var form = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
      if (form && form.hasAttribute && form.hasAttribute("data-autosave")) event.stopPropagation();
    },
    true
  );

  // Switching language reloads the page: keep what every section holds (a save may still be on
  // its way), and the page in the new language puts back what it did not get from the server.
  document.addEventListener("submit", function (event) {
    if (event.target.classList && event.target.classList.contains("language-switcher")) {
      keepUnsaved(true);
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

  // Deferred scripts run before DOMContentLoaded, when htmx sets up the forms: put the kept
  // input back after that, so its change is heard.
  if (document.readyState === "complete") {
    init(document);
    restoreUnsaved();
  } else {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { init(document); });
    } else {
      init(document);
    }
    window.addEventListener("load", restoreUnsaved);
  }
})();
