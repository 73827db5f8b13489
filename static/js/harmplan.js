// Small enhancements only: every page works without this file.
(function () {
  "use strict";
  // − / + beside number boxes: the box alone works without JavaScript.
  function addSteppers(root) {
    root.querySelectorAll("input.stepper:not([data-stepper])").forEach(function (input) {
      input.setAttribute("data-stepper", "");
      var row = document.createElement("div");
      row.className = "stepper-row";
      input.parentNode.insertBefore(row, input);
      function button(text, name, change) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = text;
        b.setAttribute("aria-label", name);
        if (input.id) { b.setAttribute("aria-controls", input.id); }
        if (input.getAttribute("form")) { b.setAttribute("form", input.getAttribute("form")); }
        b.addEventListener("click", function () {
          var value = parseFloat(input.value || "0") || 0;
          input.value = String(Math.max(0, Math.round((value + change) * 10) / 10));
          input.dispatchEvent(new Event("input", { bubbles: true }));
        });
        return b;
      }
      var step = input.getAttribute("step") === "0.5" ? 0.5 : 1;
      // The button names come from the page, in the person's language (templates/base.html).
      var names = document.body.dataset;
      row.appendChild(button("\u2212", names.stepperLess, -step));
      row.appendChild(input);
      row.appendChild(button("+", names.stepperMore, step));
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    addSteppers(document);
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    addSteppers(event.target);
    var summary = event.target.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); return; }
    // After a boosted page change, start screen readers and keyboards at the new page's content.
    if (event.detail.boosted) {
      var main = document.getElementById("main");
      if (main) { main.focus(); }
    }
  });
})();

// Before the idle sign-out: a dialog with a live region and "Stay signed in" (WCAG 2.2.1).
// Without this script, the page's own banner appears at the same moment (see harmplan.css).
(function () {
  "use strict";
  var WARN_MS = 120000;
  document.addEventListener("DOMContentLoaded", function () {
    var dialog = document.querySelector("[data-session-timer]");
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    var banner = document.querySelector("[data-session-banner]");
    if (banner) { banner.remove(); }
    var form = dialog.querySelector("[data-session-keepalive]");
    var live = dialog.querySelector("[data-session-live]");
    var deadline = Date.now() + Number(dialog.dataset.secondsLeft) * 1000;
    var timer = null;

    function later(fn, ms) { clearTimeout(timer); timer = setTimeout(fn, Math.max(0, ms)); }
    function ended() { window.location.reload(); }  // the server shows the sign-in page
    function schedule() { later(check, deadline - WARN_MS - Date.now()); }
    function fromServer(response) {
      if (!response.ok || response.redirected) { throw new Error("signed out"); }
      return response.json();
    }
    // Another tab may have kept the session alive: ask the server before warning.
    function check() {
      fetch(dialog.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(fromServer)
        .then(function (data) {
          deadline = Date.now() + data.seconds_left * 1000;
          if (data.seconds_left <= 0) { ended(); return; }
          if (deadline - Date.now() > WARN_MS + 5000) { schedule(); return; }
          if (!dialog.open) { dialog.showModal(); }
          live.textContent = form.dataset.message;
          later(ended, deadline - Date.now() + 2000);
        })
        .catch(ended);
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(fromServer)
        .then(function (data) {
          deadline = Date.now() + data.seconds_left * 1000;
          live.textContent = "";
          dialog.close();
          schedule();
        })
        .catch(ended);
    });
    schedule();
  });
})();
