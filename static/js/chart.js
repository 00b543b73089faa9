// The chart's select mode: tick or untick everyone shown, and say how many are ticked.
// Without this file the checkboxes still work one by one.
(function () {
  "use strict";

  function boxes() {
    return document.querySelectorAll("#chart input[name=entry]");
  }

  function showCount() {
    const counter = document.querySelector("[data-chart-count]");
    if (!counter) return;
    const ticked = Array.from(boxes()).filter((box) => box.checked).length;
    counter.textContent = counter.dataset.template
      ? counter.dataset.template.replace("%s", ticked)
      : String(ticked);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-chart-select]");
    if (!button) return;
    const tick = button.dataset.chartSelect === "all";
    boxes().forEach((box) => { box.checked = tick; });
    showCount();
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches("#chart input[name=entry]")) showCount();
  });
  document.addEventListener("htmx:afterSwap", showCount);
  document.querySelectorAll("[data-chart-js]").forEach((element) => { element.hidden = false; });
  showCount();
})();
