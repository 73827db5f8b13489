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
      row.appendChild(button("\u2212", "Less", -step));
      row.appendChild(input);
      row.appendChild(button("+", "More", step));
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
