// /docs: render the API reference with the pinned Scalar bundle served from this Worker's assets.
// No default fonts (they come from Scalar's CDN) and no telemetry: the page makes no request to another host.
(function () {
  var el = document.getElementById("api-reference");
  window.Scalar.createApiReference(el, {
    url: el.getAttribute("data-openapi-url"),
    withDefaultFonts: false,
    telemetry: false,
    hideClientButton: true,
    showDeveloperTools: "never",
    metaData: { title: "Edgeshop API reference" },
  });
})();
