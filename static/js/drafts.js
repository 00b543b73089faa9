// Drafts belong to one user. A one-on-one typed on a shared phone and never saved must not
// show up for whoever uses the phone next: on every page, drop the drafts (log-draft.js) of
// anyone but the user signed in now, and all of them when no one is (after a logout, an
// idle timeout, or a session ended from another device). Logging out also sends
// Clear-Site-Data, which empties this storage in browsers that support it.
(function () {
  "use strict";
  var PREFIX = "majority-log-draft:";
  var meta = document.querySelector('meta[name="majority-user"]');
  var user = meta ? meta.getAttribute("content") : "";
  var mine = user ? PREFIX + user + ":" : null;
  try {
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var key = localStorage.key(i);
      if (key && key.indexOf(PREFIX) === 0 && (!mine || key.indexOf(mine) !== 0)) {
        localStorage.removeItem(key);
      }
    }
  } catch (e) { /* storage disabled: there are no drafts to drop */ }
})();
