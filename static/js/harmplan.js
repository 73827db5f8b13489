// Small enhancements only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var summary = event.target.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); return; }
    // After a boosted page change, start screen readers and keyboards at the new page's content.
    if (event.detail.boosted) {
      var main = document.getElementById("main");
      if (main) { main.focus(); }
    }
  });
})();
