// Keyboard shortcuts of the review pages: an element with data-shortcut="j" is clicked when "j"
// is pressed (next, previous, save); 1 to 5 score the criterion holding the focus (or the first
// one without a score) and move on to the next criterion; "?" opens the list of shortcuts. In
// the queue, j and k move between the proposals' links. Nothing fires while typing in a field,
// nor with Ctrl, Alt or Meta held.
(function () {
  "use strict";
  var help = document.getElementById("shortcut-help");
  var TYPING_TYPES = ["radio", "checkbox", "button", "submit", "reset", "image", "range", "color"];

  function typing(element) {
    if (!element) {
      return false;
    }
    if (element.isContentEditable) {
      return true;
    }
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") {
      return true;
    }
    return tag === "INPUT" && TYPING_TYPES.indexOf((element.type || "").toLowerCase()) === -1;
  }

  function visible(element) {
    return element && !element.disabled && element.offsetParent !== null;
  }

  function criteria() {
    return Array.prototype.slice.call(document.querySelectorAll("#review-form .review-criterion"));
  }

  function score(digit) {
    var all = criteria();
    if (all.length === 0) {
      return false;
    }
    var current = all.filter(function (fieldset) {
      return fieldset.contains(document.activeElement);
    })[0];
    if (!current) {
      current =
        all.filter(function (fieldset) {
          return !fieldset.querySelector("input[type=radio]:checked");
        })[0] || all[0];
    }
    var radio = current.querySelector('input[type=radio][value="' + digit + '"]');
    if (!radio) {
      return false;
    }
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    var next = all[all.indexOf(current) + 1];
    var target = next
      ? next.querySelector("input[type=radio]:checked") || next.querySelector("input[type=radio]")
      : radio;
    target.focus();
    return true;
  }

  function moveInQueue(step) {
    var links = Array.prototype.slice.call(
      document.querySelectorAll(".queue-table tbody tr[data-proposal] td a")
    );
    if (links.length === 0) {
      return false;
    }
    var at = links.indexOf(document.activeElement);
    var next = at === -1 ? (step > 0 ? 0 : links.length - 1) : at + step;
    if (next < 0 || next >= links.length) {
      return false;
    }
    links[next].focus();
    return true;
  }

  function clickShortcut(key) {
    var target = Array.prototype.slice
      .call(document.querySelectorAll('[data-shortcut="' + key + '"]'))
      .filter(visible)[0];
    if (!target) {
      return false;
    }
    target.click();
    return true;
  }

  function openHelp() {
    if (help && !help.open) {
      help.showModal();
    }
  }

  document.querySelectorAll("[data-shortcuts-open]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", openHelp);
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) {
      return;
    }
    if (help && help.open) {
      if (event.key === "?") {
        help.close();
        event.preventDefault();
      }
      return; // Escape closes the dialog by itself
    }
    if (typing(event.target) || typing(document.activeElement)) {
      return;
    }
    var key = event.key;
    var done = false;
    if (key === "?") {
      openHelp();
      done = true;
    } else if (/^[1-5]$/.test(key)) {
      done = score(key);
    } else if (key === "j" || key === "k" || key === "s") {
      if (event.repeat) {
        return;
      }
      done = clickShortcut(key);
      if (!done && key !== "s") {
        done = moveInQueue(key === "j" ? 1 : -1);
      }
    }
    if (done) {
      event.preventDefault();
    }
  });
})();
