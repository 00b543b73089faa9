// Field mode on the page (campaigns/conversations/field.py says what and why). For the
// organizer signed in here: registers the service worker that keeps My list and the log
// pages of the people on it; keeps a one-on-one saved with no signal in the queue
// (static/js/field-queue.js) and sends it when the connection is back, with no tap; shows what
// waits (the banner, the count in the navigation, a list on My list and on the person's log
// page, a tag on their row) and what the server refused, with its reason, to fix or discard.
// On every page, first: if someone else was signed in on this browser, nothing of theirs
// stays; if no one is, the kept pages and the queue's key go.
(function () {
  "use strict";
  var Q = window.MajorityField;
  var node = document.getElementById("majority-field");
  if (!Q || !node || !window.indexedDB || !window.crypto || !crypto.subtle) return;
  var config = JSON.parse(node.textContent);
  var words = config.words;
  var meta = document.querySelector('meta[name="majority-user"]');
  var user = meta ? meta.getAttribute("content") : "";
  var FLASH = "majority-field-flash";
  var HINT = "majority-field-waiting"; // how many wait, readable at once when logging out
  var REFRESH = 15 * 60 * 1000; // a person's kept log page is fetched again after this
  var login = false;

  function say(name, n) {
    var text = words[name];
    if (Array.isArray(text)) text = text[n === 1 ? 0 : 1];
    return text.replace("%(n)s", n);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var hex = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // "Now" as a datetime-local value where the person is, from this phone's clock.
  function nowIn(zone, days) {
    var date = new Date(Date.now() + (days || 0) * 86400000);
    var parts = {};
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(date).forEach(function (part) { parts[part.type] = part.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + "T" + parts.hour + ":" + parts.minute;
  }

  function clock(at) {
    return new Date(at).toLocaleTimeString(document.documentElement.lang || [], { hour: "2-digit", minute: "2-digit" });
  }

  // --- Whose things this browser holds ------------------------------------------------------

  function claim() {
    return Q.owner().then(function (owner) {
      if (!user) return owner ? Q.forget() : null;
      if (owner && owner !== user) return Q.wipe().then(function () { return Q.setOwner(user); });
      if (owner !== user) return Q.setOwner(user);
    });
  }

  function session() {
    return fetch(config.session, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { return data && Q.saveKey(String(data.user), data.key); })
      .catch(function () { return null; });
  }

  // --- What waits, shown --------------------------------------------------------------------

  function render() {
    var banner = document.querySelector("[data-field-banner]");
    if (!user) {
      return Q.sealed().then(function (rows) {
        if (banner && rows.length) show(banner, say("login", rows.length));
      });
    }
    return Q.read(user).then(function (entries) {
      var waiting = entries.filter(function (entry) { return entry.state === "waiting"; }).length;
      try { localStorage.setItem(HINT, String(entries.length)); } catch (e) { /* no storage */ }
      var count = document.querySelector("[data-field-count]");
      if (count) {
        count.textContent = say("count", entries.length);
        count.hidden = !entries.length;
      }
      if (banner) {
        var flash = flashed();
        if (!navigator.onLine) show(banner, waiting ? say("offline_waiting", waiting) : words.offline);
        else if (waiting && login) show(banner, say("login", waiting), config.login + "?next=" + encodeURIComponent(location.pathname));
        else if (waiting) show(banner, say("online_waiting", waiting));
        else if (flash) show(banner, flash);
        else banner.hidden = true;
      }
      document.querySelectorAll("[data-field-waiting]").forEach(function (box) {
        var only = box.getAttribute("data-person-log");
        var mine = entries.filter(function (entry) { return !only || entry.log.action === only; });
        box.replaceChildren();
        if (mine.length) box.appendChild(list(mine));
        box.hidden = !mine.length;
      });
      document.querySelectorAll("a.mylist-log").forEach(function (link) {
        var path = new URL(link.href).pathname;
        var row = link.closest(".mylist-row");
        var tag = row && row.querySelector(".field-tag");
        var has = entries.some(function (entry) { return entry.log.action === path; });
        if (has && row && !tag) row.querySelector(".mylist-who").appendChild(el("span", "field-tag", words.waiting));
        if (!has && tag) tag.remove();
      });
      keptNote();
    });
  }

  // A word for the banner that outlives the renders and the page change of the next seconds.
  function flash(text) {
    sessionStorage.setItem(FLASH, JSON.stringify({ text: text, until: Date.now() + 10000 }));
  }

  function flashed() {
    try {
      var kept = JSON.parse(sessionStorage.getItem(FLASH) || "null");
      return kept && kept.until > Date.now() ? kept.text : "";
    } catch (e) { return ""; }
  }

  function show(banner, text, href) {
    banner.replaceChildren(href ? link(href, text) : document.createTextNode(text));
    banner.hidden = false;
  }

  function link(href, text) {
    var a = el("a", "", text);
    a.href = href;
    return a;
  }

  function list(entries) {
    var ul = el("ul", "field-list");
    entries.forEach(function (entry) {
      var li = el("li", "field-item field-" + entry.state);
      var head = el("p", "field-item-head");
      head.appendChild(el("strong", "", entry.log.person));
      var typed = new Date(entry.log.typed);
      var when = isNaN(typed) ? entry.log.typed : typed.toLocaleString(document.documentElement.lang || [], { dateStyle: "medium", timeStyle: "short" });
      head.appendChild(el("span", "muted", " " + entry.log.campaign + " · " + words.typed.replace("%(when)s", when)));
      li.appendChild(head);
      li.appendChild(el("p", "field-state", entry.state === "waiting" ? words.waiting : words.refused));
      if (entry.errors.length) {
        var errors = el("ul", "field-errors");
        entry.errors.forEach(function (error) { errors.appendChild(el("li", "error", error)); });
        li.appendChild(errors);
      }
      var actions = el("p", "field-actions");
      if (entry.state === "refused") actions.appendChild(link(entry.log.action + "?fix=" + entry.key, words.fix)).className = "button secondary";
      if (entry.state === "conflict") {
        var again = el("button", "secondary", words.again);
        again.type = "button";
        again.addEventListener("click", function () { saveAgain(entry); });
        actions.appendChild(again);
      }
      var discard = el("button", "secondary", words.discard);
      discard.type = "button";
      discard.addEventListener("click", function () {
        if (window.confirm(words.discard_confirm)) Q.remove(entry.key).then(render);
      });
      actions.appendChild(discard);
      li.appendChild(actions);
      ul.appendChild(li);
    });
    return ul;
  }

  // "Saved for offline use at 14:05" on a kept page; offline, "this is the copy from 14:05".
  function keptNote() {
    var note = document.querySelector("[data-field-kept]");
    if (!note || !window.caches) return;
    Q.keptAt(location.pathname).then(function (at) {
      if (!at) { note.hidden = true; return; }
      note.textContent = (navigator.onLine ? words.saved_at : words.offline_copy).replace("%(time)s", clock(at));
      note.hidden = false;
    });
  }

  // A conflict: the server saved another version under this key; this one becomes its own.
  function saveAgain(entry) {
    var body = new URLSearchParams(entry.log.body);
    var log = Object.assign({}, entry.log, { key: uuid() });
    body.set("log_key", log.key);
    log.body = body.toString();
    return Q.put(user, log).then(function () { return Q.remove(entry.key); }).then(function () { return sendNow(false); });
  }

  // --- Sending ------------------------------------------------------------------------------

  function sendNow(foreground, first) {
    return Q.send(config, foreground, first).then(function (result) {
      login = result.login;
      if (result.offline) syncLater();
      if (result.sent && !foreground) {
        flash(say("sent", result.sent));
        refreshList();
      }
      return render().then(function () { return result; });
    }, function () { return {}; });
  }

  // On My list, what was sent in the background moves the people it was about, in place.
  function refreshList() {
    var sections = document.getElementById("mylist-sections");
    if (!sections || !window.htmx) return;
    htmx.ajax("GET", config.my_list, { target: "#mylist-sections", select: "#mylist-sections", swap: "outerHTML" });
  }

  function syncLater() {
    if (!navigator.serviceWorker) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register("majority-field-send");
    }).catch(function () { /* no Background Sync: the next page or `online` event sends */ });
  }

  // --- The log form -------------------------------------------------------------------------

  function logOf(form) {
    if (!form.elements.log_key.value) form.elements.log_key.value = uuid();
    var data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    data.delete("in_place");
    return {
      key: form.elements.log_key.value,
      action: new URL(form.action).pathname,
      person: form.getAttribute("data-person"),
      campaign: form.getAttribute("data-campaign"),
      typed: data.get("happened_at"),
      body: new URLSearchParams(data).toString(),
      at: Date.now()
    };
  }

  // Keep the form's log in the queue (`send`: and send what waits, this one first kept under
  // the same lock); the local draft goes, the queue has it now.
  function keep(form, send) {
    var log = logOf(form);
    var put = function () { return Q.put(user, log); };
    return Q.hasKey(user).then(function (has) { return has || session(); })
      .then(function () { return send ? send(put) : put(); })
      .then(function (result) {
        try { localStorage.removeItem(form.getAttribute("data-draft-key")); } catch (e) { /* none kept */ }
        return { log: log, result: result };
      });
  }

  function nextOf(form) {
    return form.elements.next ? form.elements.next.value : "";
  }

  function errorsOn(form, errors) {
    var box = form.querySelector("[data-field-errors]");
    if (!box) {
      box = el("div", "flash flash-error");
      box.setAttribute("data-field-errors", "");
      box.setAttribute("role", "alert");
      form.insertBefore(box, form.firstChild);
    }
    box.replaceChildren();
    errors.forEach(function (error) { box.appendChild(el("p", "", error)); });
    box.scrollIntoView({ block: "center" });
  }

  // Save on the log page: kept first, then sent at once; where the send ends decides what
  // the organizer sees next (saved: on to the next page; refused: the reasons here; no
  // signal or signed out: My list, kept, saying it waits).
  function saveOnPage(form) {
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var sent = function (put) {
      return Q.send(config, true, put).then(function (result) {
        login = result.login;
        if (result.offline) syncLater();
        return result;
      });
    };
    return keep(form, sent).then(function (kept) {
      return Q.read(user).then(function (entries) {
        var entry = entries.filter(function (each) { return each.key === kept.log.key; })[0];
        if (!entry) return location.assign(nextOf(form) || kept.result.person || config.my_list);
        if (entry.reason === "invalid") {
          // Online, with the organizer right here: the server's own page says what to fix,
          // beside each field, with everything typed (the same key, so still saved once).
          return Q.remove(entry.key).then(function () { form.submit(); });
        }
        if (button) button.disabled = false;
        if (entry.state !== "waiting") return render().then(function () { errorsOn(form, entry.errors); });
        flash(words.queued);
        if (navigator.serviceWorker && navigator.serviceWorker.controller) {
          return location.assign(nextOf(form) || config.my_list);
        }
        form.elements.log_key.value = uuid();
        return render().then(function () { errorsOn(form, [words.queued]); });
      });
    }, function () {
      if (button) button.disabled = false;
      errorsOn(form, [words.failed]);
    });
  }

  // My list's form, opened in place, with no signal: kept, and the slot says so.
  function keepInPlace(form) {
    return keep(form).then(function () {
      var slot = form.parentNode;
      var note = el("p", "flash flash-info", words.queued);
      note.setAttribute("role", "status");
      slot.replaceChildren(note);
      syncLater();
      return render();
    });
  }

  function prepare(form) {
    if (form.dataset.fieldReady) return;
    form.dataset.fieldReady = "1";
    if (!form.elements.log_key.value) form.elements.log_key.value = uuid();
    var zone = form.getAttribute("data-tz");
    // A kept page was drawn when it was kept: "When" and the quick picks start from now.
    if (zone && form.getAttribute("data-has-errors") !== "1") {
      form.elements.happened_at.value = nowIn(zone);
      form.querySelectorAll("[data-days]").forEach(function (radio) {
        radio.setAttribute("data-date", nowIn(zone, Number(radio.getAttribute("data-days"))).slice(0, 10));
      });
    }
    var fix = new URLSearchParams(location.search).get("fix");
    if (fix && !form.hasAttribute("hx-post")) restore(form, fix);
  }

  // "Fix" on a refused log: its page with what was typed, under the same key.
  function restore(form, key) {
    Q.read(user).then(function (entries) {
      var entry = entries.filter(function (each) { return each.key === key; })[0];
      if (!entry) return;
      var values = new URLSearchParams(entry.log.body);
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.name === "csrfmiddlewaretoken") return;
        var given = values.getAll(field.name);
        if (field.type === "checkbox" || field.type === "radio") field.checked = given.indexOf(field.value) !== -1;
        else if (field.type !== "submit" && given.length) field.value = given[0];
      });
      errorsOn(form, entry.errors);
    });
  }

  function prepareWithin(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("form[data-field-log]")) prepare(root);
    root.querySelectorAll("form[data-field-log]").forEach(prepare);
  }

  // --- Keeping pages ------------------------------------------------------------------------

  function keepPages() {
    if (!navigator.onLine || !window.caches) return;
    var paths = [];
    if (location.pathname === config.my_list || /\/people\/\d+\/log\/$/.test(location.pathname)) {
      paths.push(location.pathname);
    }
    if (location.pathname === config.my_list) {
      document.querySelectorAll("a.mylist-log").forEach(function (a) {
        var path = new URL(a.href).pathname;
        if (paths.indexOf(path) === -1) paths.push(path);
      });
    }
    paths.slice(0, 60).reduce(function (chain, path, index) {
      return chain.then(function () {
        return Q.keptAt(path).then(function (at) {
          if (Date.now() - at < (index === 0 ? 60000 : REFRESH)) return null;
          var fetched = fetch(path, { credentials: "same-origin", redirect: "manual", headers: { "X-Majority-Keep": "1" } });
          return fetched.then(function (response) {
            if (response.ok && response.type === "basic") return Q.keepPage(path, response);
          });
        });
      });
    }, Promise.resolve()).then(keptNote, function () { /* the connection went: kept next time */ });
  }

  // --- Start --------------------------------------------------------------------------------

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (new URL(form.action, location.href).pathname === config.logout) {
      // With logs waiting: say so first, and delete them here too (the answer's
      // Clear-Site-Data does it in browsers that have it). With none, a plain logout.
      var hint = 0;
      try { hint = Number(localStorage.getItem(HINT)) || 0; } catch (e) { /* no storage */ }
      if (!hint) return;
      event.preventDefault();
      Q.sealed().then(function (rows) {
        if (rows.length && !window.confirm(say("logout", rows.length))) return;
        Q.wipe().then(function () { form.submit(); }, function () { form.submit(); });
      });
    } else if (user && form.matches("form[data-field-log]") && !form.hasAttribute("hx-post")) {
      event.preventDefault();
      saveOnPage(form);
    }
  });

  function offlineRequest(event, failed) {
    var elt = event.detail.elt;
    if (!user || (!failed && navigator.onLine)) return;
    if (elt.matches("a.mylist-log")) {
      if (!failed) event.preventDefault();
      location.assign(elt.href); // its kept page
    } else if (elt.matches("form[data-field-log]")) {
      if (!failed) event.preventDefault();
      keepInPlace(elt);
    }
  }
  document.addEventListener("htmx:beforeRequest", function (event) { offlineRequest(event, false); });
  document.addEventListener("htmx:sendError", function (event) { offlineRequest(event, true); });
  document.addEventListener("htmx:load", function (event) { prepareWithin(event.detail.elt); });
  window.addEventListener("online", function () { sendNow(false); });
  window.addEventListener("offline", function () { render(); });

  claim().then(function () {
    prepareWithin(document);
    if (!user || !config.on) return render();
    if (navigator.serviceWorker) {
      navigator.serviceWorker.addEventListener("message", function (event) {
        if (!event.data || event.data.type !== "majority-field-sent") return;
        var sent = event.data.result.sent;
        if (sent) {
          flash(say("sent", sent));
          refreshList();
        }
        render();
      });
      navigator.serviceWorker.register(config.sw, { scope: "/" }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(keepPages, function () { /* no service worker: logging offline still queues */ });
    }
    setInterval(function () {
      if (!navigator.onLine) return;
      Q.read(user).then(function (entries) {
        if (entries.some(function (entry) { return entry.state === "waiting"; })) sendNow(false);
      });
    }, 30000);
    return (navigator.onLine ? session().then(function () { return sendNow(false); }) : render());
  });
})();
