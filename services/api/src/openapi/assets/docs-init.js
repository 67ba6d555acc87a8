/* global window, SwaggerUIBundle */
// A file rather than an inline script, so that the page needs no CSP
// exception for scripts.
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#docs',
    deepLinking: true,
    // Its default would send the document to validator.swagger.io.
    validatorUrl: null,
  });
});
