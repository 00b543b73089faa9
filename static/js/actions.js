// The action form: show only the chosen campaign's sites, and name the time zone that
// times are typed in (the site's, or the committee's without a site).
(function () {
  "use strict";
  function setUp() {
    var campaign = document.getElementById("id_campaign");
    var site = document.getElementById("id_site");
    var note = document.getElementById("action-zone-note");
    if (!site || !note) return;
    var zone = note.querySelector("[data-zone]");

    function showZone() {
      var option = site.options[site.selectedIndex];
      var name = option && option.dataset.zone ? option.dataset.zone : note.dataset.committeeZone;
      if (zone && name) zone.textContent = name;
    }

    function showSites() {
      if (!campaign) return;
      var chosen = campaign.value;
      Array.prototype.forEach.call(site.options, function (option) {
        var mine = !option.dataset.campaign || option.dataset.campaign === chosen;
        option.hidden = !mine;
        option.disabled = !mine;
        if (!mine && option.selected) site.value = "";
      });
      showZone();
    }

    site.addEventListener("change", showZone);
    if (campaign) campaign.addEventListener("change", showSites);
    showSites();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
