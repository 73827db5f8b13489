// "Exit this page", after GOV.UK's component: one tap on the button, or Shift pressed three
// times within 5 seconds, blanks the page at once and replaces it in the history with a neutral
// site, so Back does not come back here. Without JavaScript the button is a plain link.
(function () {
  "use strict";
  var PRESSES = 3;
  var WINDOW_MS = 5000;

  function exitTo(url) {
    document.documentElement.classList.add("exiting");
    document.title = "";
    window.location.replace(url);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-exit-this-page]");
    if (!root) { return; }
    var button = root.querySelector("[data-exit-button]");
    var indicator = root.querySelector("[data-exit-indicator]");
    var url = button.getAttribute("href");
    var presses = [];

    button.addEventListener("click", function (event) {
      event.preventDefault();
      exitTo(url);
    });
    // A link with role="button" should also answer the space bar, as a button does.
    button.addEventListener("keydown", function (event) {
      if (event.key === " ") { event.preventDefault(); exitTo(url); }
    });

    document.addEventListener("keyup", function (event) {
      if (event.key !== "Shift" || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      var now = Date.now();
      presses = presses.filter(function (at) { return now - at < WINDOW_MS; });
      presses.push(now);
      if (presses.length >= PRESSES) {
        indicator.textContent = root.dataset.exiting;
        exitTo(url);
        return;
      }
      indicator.textContent = PRESSES - presses.length === 1 ? root.dataset.oneLeft : root.dataset.twoLeft;
    });
  });

  // If the browser brings this page back from its cache anyway, keep it blank.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.documentElement.classList.contains("exiting")) {
      var button = document.querySelector("[data-exit-button]");
      if (button) { window.location.replace(button.getAttribute("href")); }
    }
  });
})();
