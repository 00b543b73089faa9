// A signature form opened in place answers 409 when the drive was closed on the date typed:
// show that answer (the reason, the values kept) in place of the form, as for a 422.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr.status === 409 && target && target.matches(".signup-editing")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
