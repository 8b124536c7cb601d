// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  window.ideabank = {
    csrf: meta ? meta.content : "",
    // JSON calls with the session cookie carry the CSRF token in a header.
    api: function (method, path, body) {
      var opts = { method: method, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRF-Token": window.ideabank.csrf } };
      if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
      return fetch(path, opts).then(function (r) {
        return r.text().then(function (t) { return { status: r.status, data: t ? JSON.parse(t) : null }; });
      });
    }
  };
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
})();
