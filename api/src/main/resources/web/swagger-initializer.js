// Swagger UI on this API's own document, with nothing fetched from outside: no validator badge,
// no standalone top bar (it would offer to load other URLs).
(function () {
  "use strict";
  // The JDK's HTTP server sends no reason phrase for 422 and 429 (HTTP/1.1 lets it), and Swagger UI
  // would print "Error: response status is 422": name those statuses as RFC 9110 does.
  const REASONS = {422: "Unprocessable Content", 429: "Too Many Requests"};

  window.onload = function () {
    window.ui = SwaggerUIBundle({
      url: "/openapi.yaml",
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      responseInterceptor: response => {
        if (!response.statusText && REASONS[response.status]) {
          response.statusText = REASONS[response.status];
        }
        return response;
      }
    });
  };
})();
