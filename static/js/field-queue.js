// Field mode's store, shared by the pages (static/js/field.js) and the service worker
// (static/js/field-sw.js): one-on-ones typed with no signal wait in IndexedDB, encrypted with
// the key the server gives their organizer (campaigns/conversations/field.py), and are sent
// when the connection is back, each under the key the browser made for it, so the server
// saves a log sent twice once. Pages kept for offline use are in the Cache "majority-field".
// When a session ends the key and the pages go (forget); what waits stays sealed until the
// same organizer logs in again. A logout, or another user signing in, deletes it all (wipe).
(function (scope) {
  "use strict";
  var DB = "majority-field";
  var PAGES = "majority-field";
  var KEPT_AT = "x-majority-kept-at";
  var LOCK = "majority-field-send";
  var opened = null;

  function open() {
    if (opened) return opened;
    opened = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("queue", { keyPath: "key" });
        request.result.createObjectStore("meta", { keyPath: "name" });
      };
      request.onsuccess = function () {
        var db = request.result;
        db.onversionchange = function () { db.close(); opened = null; };
        resolve(db);
      };
      request.onerror = function () { opened = null; reject(request.error); };
    });
    return opened;
  }

  // One transaction on one store: fn(store) may return a request whose result is resolved.
  function run(name, mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var request = fn(tx.objectStore(name));
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function meta(name) {
    return run("meta", "readonly", function (store) { return store.get(name); });
  }

  function setMeta(record) {
    return run("meta", "readwrite", function (store) { return store.put(record); });
  }

  function rows() {
    return run("queue", "readonly", function (store) { return store.getAll(); });
  }

  function bytes(base64) {
    var raw = atob(base64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function keyOf(user) {
    return meta("key").then(function (record) {
      return record && record.user === user ? record.key : null;
    });
  }

  function seal(user, log) {
    return keyOf(user).then(function (key) {
      if (!key) throw new Error("no key");
      var iv = crypto.getRandomValues(new Uint8Array(12));
      var plain = new TextEncoder().encode(JSON.stringify(log));
      return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, plain).then(function (data) {
        return { iv: iv, data: data };
      });
    });
  }

  function unseal(key, row) {
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: row.iv }, key, row.data).then(
      function (plain) { return JSON.parse(new TextDecoder().decode(plain)); },
      function () { return null; }
    );
  }

  function deleteCaches() {
    if (!scope.caches) return Promise.resolve();
    return caches.delete(PAGES);
  }

  var api = {
    // The user whose pages and queue this browser holds ("" or null: none).
    owner: function () {
      return meta("owner").then(function (record) { return record ? record.user : null; });
    },
    setOwner: function (user) { return setMeta({ name: "owner", user: user }); },

    // Keep the key the server gave this user, as a key the page cannot read back.
    saveKey: function (user, base64) {
      return keyOf(user).then(function (known) {
        if (known) return known;
        return crypto.subtle.importKey("raw", bytes(base64), "AES-GCM", false, ["encrypt", "decrypt"])
          .then(function (key) { return setMeta({ name: "key", user: user, key: key }); });
      });
    },
    hasKey: function (user) { return keyOf(user).then(Boolean); },

    // The session ended (a timeout, a lockdown, logged out elsewhere): the pages and the key
    // go; logs waiting stay, unreadable here, for the same organizer's next login.
    forget: function () {
      return run("meta", "readwrite", function (store) { return store.delete("key"); })
        .then(deleteCaches);
    },

    // A logout, or someone else signing in on this browser: nothing of the last user stays.
    wipe: function () {
      return run("queue", "readwrite", function (store) { return store.clear(); })
        .then(function () { return run("meta", "readwrite", function (store) { return store.clear(); }); })
        .then(deleteCaches);
    },

    // Every waiting log, sealed: {key, owner, at, state, errors} (no content).
    sealed: function () { return rows(); },

    // The user's waiting logs, opened: {key, owner, at, state, errors, log}.
    read: function (user) {
      return Promise.all([rows(), keyOf(user)]).then(function (found) {
        var key = found[1];
        var mine = found[0].filter(function (row) { return row.owner === user; });
        if (!key) return [];
        return Promise.all(mine.map(function (row) {
          return unseal(key, row).then(function (log) {
            return log && {
              key: row.key, owner: row.owner, at: row.at, state: row.state, errors: row.errors,
              reason: row.reason, log: log
            };
          });
        })).then(function (all) {
          return all.filter(Boolean).sort(function (a, b) { return a.at - b.at; }); // as kept
        });
      });
    },

    // Keep a log (or keep it again, changed): log = {key, action, person, campaign, typed,
    // body}; state "waiting" to be sent, "refused" or "conflict" until the organizer acts.
    // `reason`: the server's word for a refusal ("invalid", "gone", "conflict"…).
    put: function (user, log, state, errors, reason) {
      return seal(user, log).then(function (sealed) {
        var row = {
          key: log.key, owner: user, at: log.at || Date.now(), state: state || "waiting",
          errors: errors || [], reason: reason || "", iv: sealed.iv, data: sealed.data
        };
        return run("queue", "readwrite", function (store) { return store.put(row); });
      });
    },
    remove: function (key) {
      return run("queue", "readwrite", function (store) { return store.delete(key); });
    },

    // Pages kept for offline use, by path, with when they were kept.
    keepPage: function (path, response) {
      return response.blob().then(function (body) {
        var headers = new Headers(response.headers);
        headers.set(KEPT_AT, String(Date.now()));
        var kept = new Response(body, { status: response.status, headers: headers });
        return caches.open(PAGES).then(function (cache) { return cache.put(path, kept); });
      });
    },
    keptAt: function (path) {
      return caches.open(PAGES).then(function (cache) { return cache.match(path); }).then(
        function (response) { return response ? Number(response.headers.get(KEPT_AT)) : 0; }
      );
    },
    // A kept page no older than `hours`, or null.
    keptPage: function (path, hours) {
      return caches.open(PAGES).then(function (cache) {
        return cache.match(path).then(function (response) {
          if (!response) return null;
          var age = Date.now() - Number(response.headers.get(KEPT_AT));
          if (age <= hours * 3600 * 1000) return response;
          return cache.delete(path).then(function () { return null; });
        });
      });
    },
    keptPaths: function () {
      return caches.open(PAGES).then(function (cache) { return cache.keys(); }).then(function (requests) {
        return requests.map(function (request) { return new URL(request.url).pathname; });
      });
    },

    // Send every waiting log of whoever is signed in now. Resolves to {sent, refused,
    // offline, login}: offline when the network failed, login when no one is signed in.
    // `first`, if given, runs under the same lock before (a log just saved, kept), so a
    // send already under way in another tab or the service worker cannot take it unseen.
    send: function (config, foreground, first) {
      var work = function () {
        return Promise.resolve(first && first()).then(function () { return sendAll(config, foreground); });
      };
      if (scope.navigator && navigator.locks) return navigator.locks.request(LOCK, work);
      return work();
    }
  };

  function sendAll(config, foreground) {
    var result = { sent: 0, refused: 0, offline: false, login: false };
    return fetch(config.session, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { result.login = true; return null; }
        return response.json();
      }, function () { result.offline = true; return null; })
      .then(function (session) {
        if (!session) return result;
        var user = String(session.user);
        return api.saveKey(user, session.key).then(function () { return api.read(user); }).then(function (logs) {
          var waiting = logs.filter(function (entry) { return entry.state === "waiting"; });
          return waiting.reduce(function (chain, entry) {
            return chain.then(function (stop) {
              if (stop) return true;
              return sendOne(user, session.csrf, entry, foreground, result);
            });
          }, Promise.resolve(false));
        }).then(function () { return result; });
      });
  }

  // One log; resolves true when sending must stop (offline, logged out, a server failure).
  function sendOne(user, csrf, entry, foreground, result) {
    var body = new URLSearchParams(entry.log.body);
    body.set("queued_by", entry.owner); // who typed it: the server refuses it to anyone else
    return fetch(entry.log.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": csrf, "X-Majority-Queued": foreground ? "now" : "1" }
    }).then(function (response) {
      if (response.type === "opaqueredirect") { result.login = true; return true; }
      if (response.status === 200 || response.status === 201) {
        result.sent += 1;
        result.last = entry.key;
        return response.json().then(function (answer) {
          result.person = answer.person;
          return api.remove(entry.key);
        }).then(function () { return false; });
      }
      var json = (response.headers.get("content-type") || "").indexOf("json") !== -1;
      if (!json || response.status >= 500) return true; // not ours to judge: try again later
      return response.json().then(function (answer) {
        result.refused += 1;
        var state = response.status === 409 ? "conflict" : "refused";
        return api.put(user, entry.log, state, answer.errors || [], answer.result);
      }).then(function () { return false; });
    }, function () { result.offline = true; return true; });
  }

  scope.MajorityField = api;
})(self);
