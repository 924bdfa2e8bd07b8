/* Draws each chart from its Vega-Lite specification (ISO 10002 8.2 analysis).
   Progressive enhancement only: the data table beside every chart, and the static SVG/PNG
   links, carry the same figures without JavaScript. */
(function () {
  "use strict";

  function draw(root) {
    if (typeof window.vegaEmbed !== "function") { return; }
    root.querySelectorAll(".chart[data-spec-id]").forEach(function (element) {
      if (element.getAttribute("data-drawn") === "true") { return; }
      var source = document.getElementById(element.getAttribute("data-spec-id"));
      if (!source) { return; }
      var spec;
      try { spec = JSON.parse(source.textContent); } catch (error) { return; }
      element.setAttribute("data-drawn", "true");
      window.vegaEmbed(element, spec, {
        renderer: "svg",
        // Exports only: the page is not a chart editor.
        actions: { export: true, source: false, compiled: false, editor: false },
        i18n: {
          SVG_ACTION: element.getAttribute("data-svg-label") || "SVG",
          PNG_ACTION: element.getAttribute("data-png-label") || "PNG",
          CLICK_TO_VIEW_ACTIONS: element.getAttribute("data-actions-label") || ""
        },
        downloadFileName: element.getAttribute("data-file-name") || "chart"
      }).then(function (result) {
        // The menu's button is an icon: give it a name (WCAG 4.1.2).
        var summary = element.querySelector("details > summary");
        if (summary) { summary.setAttribute("aria-label", element.getAttribute("data-actions-label") || "SVG, PNG"); }
        return result;
      }).catch(function () {
        element.removeAttribute("data-drawn");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  // Content swapped in by htmx may bring charts of its own.
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target || document); });
})();
