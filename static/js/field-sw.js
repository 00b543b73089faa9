// Field mode's service worker (served at /sw.js with its settings in self.MAJORITY_FIELD,
// campaigns/conversations/views/field.py). It keeps only what an organizer needs with no
// signal: My list and the log pages of the people on it (static/js/field.js keeps them;
// shown only with no network, never older than MAJORITY_FIELD.hours), the files
// those pages load, and a page saying a page was not kept. Every other request passes by.
// Sending what waits: on a Background Sync, or when a page asks.
/* global MAJORITY_FIELD, MajorityField */
"use strict";
var CONFIG = self.MAJORITY_FIELD;
var Q = self.MajorityField;
var ASSETS = "majority-field-assets";
var KEPT = [/^\/my-list\/$/, /^\/campaigns\/\d+\/people\/\d+\/log\/$/];
var PERSON = /^\/people\/(\d+)\/$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(ASSETS).then(function (cache) {
    var offline = fetch(CONFIG.offline, { credentials: "omit" }).then(function (response) {
      return cache.put(CONFIG.offline, response);
    });
    return Promise.all([cache.addAll(CONFIG.assets), offline]);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  var wanted = CONFIG.assets.concat([CONFIG.offline]);
  event.waitUntil(caches.open(ASSETS).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        if (wanted.indexOf(new URL(request.url).pathname) === -1) return cache.delete(request);
      }));
    });
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (CONFIG.assets.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(url.pathname, { cacheName: ASSETS }).then(function (hit) {
      return hit || fetch(request);
    }));
  } else if (request.mode === "navigate") {
    event.respondWith(navigate(request, url));
  }
});

function kept(path) {
  return KEPT.some(function (pattern) { return pattern.test(path); });
}

// Online, the page from the network (static/js/field.js keeps a copy fetched without the
// page's one-time messages); with no network, what was kept.
function navigate(request, url) {
  return fetch(request).then(function (response) {
    var landed = new URL(response.url || request.url).pathname;
    if (response.redirected && landed.indexOf(CONFIG.login) === 0) {
      // The session is over: the pages and the queue's key go before the login page shows.
      return Q.forget().then(function () { return response; });
    }
    return response;
  }, function () {
    return offline(url);
  });
}

// No network: the kept copy of a kept page; for a person on My list, their log page; else
// the page saying this one was not kept.
function offline(url) {
  var found = kept(url.pathname) ? Q.keptPage(url.pathname, CONFIG.hours) : Promise.resolve(null);
  return found.then(function (response) {
    if (response) return response;
    var person = PERSON.exec(url.pathname);
    if (!person) return null;
    var log = new RegExp("^/campaigns/\\d+/people/" + person[1] + "/log/$");
    return Q.keptPaths().then(function (paths) {
      var path = paths.filter(function (each) { return log.test(each); })[0];
      return path ? Response.redirect(path, 302) : null;
    });
  }).then(function (response) {
    return response || caches.match(CONFIG.offline, { cacheName: ASSETS });
  });
}

function sendAndTell() {
  return Q.send(CONFIG, false).then(function (result) {
    if (result.offline) throw new Error("offline: the browser syncs again later");
    return self.clients.matchAll({ type: "window" }).then(function (windows) {
      windows.forEach(function (client) { client.postMessage({ type: "majority-field-sent", result: result }); });
    });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === "majority-field-send") event.waitUntil(sendAndTell());
});
