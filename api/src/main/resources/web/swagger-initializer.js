// Swagger UI on this API's own document, with nothing fetched from outside: no validator badge,
// no standalone top bar (it would offer to load other URLs).
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.yaml",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
};
