// A local draft of the one-on-one form, so a reload or a dropped connection loses nothing.
// Saved on every input under the form's data-draft-key, with a token sent along in the
// hidden draft_token field. The draft is dropped only once the server said it saved that
// token: listed in the form's data-saved-drafts (the page), or in a "log-draft-saved" event
// the htmx answer to a save in place carries (My list). A form re-rendered with errors keeps
// the server's values. Forms on the page and forms htmx inserts later both get a draft.
// The key names the user (static/js/drafts.js drops other users' drafts). A restored draft
// says so, with the time it was typed, and can be discarded; "When" is never restored: a
// draft from yesterday must not back-date today's talk.
(function () {
  "use strict";
  if (!window.localStorage) return;
  var skip = { csrfmiddlewaretoken: 1, draft_token: 1, next: 1, in_place: 1, happened_at: 1 };
  var WEEK = 7 * 24 * 3600 * 1000;

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function collect(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || skip[el.name] || el.type === "submit") return;
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name] = values[el.name] || [];
        if (el.checked) values[el.name].push(el.value);
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function restore(form, values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || skip[el.name] || !(el.name in values)) return;
      var value = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else if (el.type !== "submit" && el.type !== "hidden") {
        el.value = value;
      }
    });
  }

  function fresh() {
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  // "Draft from 14:05 restored. [Discard]": the words come translated from the page.
  function announce(form, at, discard) {
    var notice = form.querySelector("[data-draft-notice]");
    if (!notice) return;
    var text = notice.querySelector("[data-draft-text]");
    var time = new Date(at).toLocaleTimeString(document.documentElement.lang || [], {
      hour: "2-digit", minute: "2-digit"
    });
    text.textContent = text.getAttribute("data-draft-text").replace("{time}", time);
    notice.hidden = false;
    notice.querySelector("[data-draft-discard]").addEventListener("click", function () {
      discard();
      notice.hidden = true;
    });
  }

  function init(form) {
    if (form.dataset.draftReady) return;
    form.dataset.draftReady = "1";
    var key = form.dataset.draftKey;
    var saved = (form.dataset.savedDrafts || "").split(" ");
    var draft = read(key);
    if (draft && (saved.indexOf(draft.token) !== -1 || Date.now() - draft.at > WEEK)) {
      localStorage.removeItem(key);
      draft = null;
    }
    if (draft && form.dataset.hasErrors !== "1") {
      restore(form, draft.values);
      announce(form, draft.at, function () {
        localStorage.removeItem(key);
        form.reset();
        token = fresh();
        form.elements.draft_token.value = token;
      });
    }
    var token = draft ? draft.token : fresh();
    form.elements.draft_token.value = token;

    function save() {
      try {
        localStorage.setItem(key, JSON.stringify({ token: token, at: Date.now(), values: collect(form) }));
      } catch (e) { /* storage full or disabled: the server copy still works */ }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", save);
  }

  function initWithin(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("form[data-draft-key]")) init(root);
    root.querySelectorAll("form[data-draft-key]").forEach(init);
  }

  // The server saved this draft (an htmx answer's HX-Trigger): drop it, and only it.
  document.addEventListener("log-draft-saved", function (event) {
    var detail = event.detail || {};
    var draft = detail.key ? read(detail.key) : null;
    if (draft && draft.token === detail.token) localStorage.removeItem(detail.key);
  });
  document.addEventListener("htmx:load", function (event) { initWithin(event.detail.elt); });
  initWithin(document);
})();

// Quick picks ("Tomorrow", "In 3 days", "Next week") write their date into the follow-up
// date field as they are tapped, so the organizer sees the day chosen; typing another date
// there clears the pick (a typed date wins on the server too). Without JavaScript the
// server turns the pick into the date.
(function () {
  "use strict";
  function dateField(radio) {
    return radio.form && radio.form.elements.namedItem("follow_up_on");
  }
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.name === "follow_up_pick" && el.checked && el.dataset.date) {
      var field = dateField(el);
      if (!field) return;
      field.value = el.dataset.date;
      field.dispatchEvent(new Event("input", { bubbles: true }));
    } else if (el.name === "follow_up_on" && el.form) {
      Array.prototype.forEach.call(el.form.querySelectorAll("[name=follow_up_pick]"), function (radio) {
        if (radio.checked && radio.dataset.date !== el.value) radio.checked = false;
      });
    }
  });
})();
