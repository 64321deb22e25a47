// /docs: render the API reference with the pinned Scalar bundle served from this Worker's assets.
// No default fonts, no telemetry, no AI agent: nothing that talks to Scalar's hosts. (The bundle's own
// stylesheet still names fonts on fonts.scalar.com; the page's CSP refuses them, so system fonts show.)
(function () {
  var el = document.getElementById("api-reference");
  window.Scalar.createApiReference(el, {
    url: el.getAttribute("data-openapi-url"),
    withDefaultFonts: false,
    telemetry: false,
    hideClientButton: true,
    showDeveloperTools: "never",
    agent: { disabled: true },
    documentDownloadType: "json",
    metaData: { title: "Edgeshop API reference" },
  });
})();
