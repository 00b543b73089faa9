// My list: "Log" opens the one-on-one form right under its row (htmx), one form at a time;
// a second tap on Log, or Close, folds it away (log-draft.js keeps what was typed). A save
// that never reached the server, or that it refused, says so and keeps the form as typed.
// Without this file (or htmx) Log is a plain link to the form's own page.
(function () {
  "use strict";

  function slotOf(link) {
    return document.getElementById(link.getAttribute("aria-controls"));
  }

  function linkOf(slot) {
    return document.querySelector('.mylist-log[aria-controls="' + slot.id + '"]');
  }

  function fold(slot) {
    slot.replaceChildren();
    var link = linkOf(slot);
    if (link) link.setAttribute("aria-expanded", "false");
    return link;
  }

  function unsent(form, show) {
    var note = form && form.querySelector("[data-log-unsent]");
    if (note) note.hidden = !show;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.matches(".mylist-log")) {
      var slot = slotOf(elt);
      if (slot && slot.firstElementChild) {
        event.preventDefault(); // the second tap folds the form away
        fold(slot);
        return;
      }
      document.querySelectorAll(".mylist-slot").forEach(function (other) {
        if (other !== slot && other.firstElementChild) fold(other);
      });
      var flashes = document.getElementById("messages"); // the last save's, read by now
      if (flashes) flashes.replaceChildren();
    } else if (elt.matches(".log-form-in-place")) {
      unsent(elt, false);
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var slot = event.detail.target;
    if (!slot.matches || !slot.matches(".mylist-slot")) return;
    var link = linkOf(slot);
    if (link) link.setAttribute("aria-expanded", "true");
    var title = slot.querySelector(".log-in-place-title");
    if (title) title.focus({ preventScroll: true });
  });

  // A form sent back with errors (422): bring the first one into view, the Save button
  // the thumb just left is below it.
  document.addEventListener("htmx:load", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches(".log-form-in-place[data-has-errors]")) return;
    var first = form.querySelector(".has-error") || form;
    first.scrollIntoView({ block: "center" });
  });

  function failed(event) {
    var elt = event.detail.elt;
    if (elt && elt.matches && elt.matches(".log-form-in-place")) unsent(elt, true);
  }
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:responseError", failed);

  // A jump link to a section folded away opens it.
  document.addEventListener("click", function (event) {
    var jump = event.target.closest(".mylist-jump a[href^='#']");
    var section = jump && document.getElementById(jump.getAttribute("href").slice(1));
    var details = section && section.querySelector("details");
    if (details) details.open = true;
  });

  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-log-close]");
    var slot = close && close.closest(".mylist-slot");
    if (!slot) return;
    var link = fold(slot);
    if (link) link.focus();
  });
})();
