// A local draft of the one-on-one form, so a reload or a dropped connection loses nothing.
// Saved on every input under the form's data-draft-key, with a token sent along in the
// hidden draft_token field. The draft is dropped only when the server lists that token in
// data-saved-drafts (it saved it); a page re-rendered with errors keeps the server's values.
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft-key]");
  if (!form || !window.localStorage) return;
  var key = form.dataset.draftKey;
  var skip = { csrfmiddlewaretoken: 1, draft_token: 1, next: 1 };
  var saved = (form.dataset.savedDrafts || "").split(" ");
  var WEEK = 7 * 24 * 3600 * 1000;

  function read() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function collect() {
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

  function restore(values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || skip[el.name] || !(el.name in values)) return;
      var value = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else if (el.type !== "submit") {
        el.value = value;
      }
    });
  }

  var draft = read();
  if (draft && (saved.indexOf(draft.token) !== -1 || Date.now() - draft.at > WEEK)) {
    localStorage.removeItem(key);
    draft = null;
  }
  if (draft && form.dataset.hasErrors !== "1") restore(draft.values);
  var token = draft ? draft.token : Date.now().toString(36) + Math.random().toString(36).slice(2);
  form.elements.draft_token.value = token;

  function save() {
    try {
      localStorage.setItem(key, JSON.stringify({ token: token, at: Date.now(), values: collect() }));
    } catch (e) { /* storage full or disabled: the server copy still works */ }
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", save);
})();
