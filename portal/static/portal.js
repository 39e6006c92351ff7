// The portal's only script besides htmx. The CSP forbids inline script, so the few
// behaviours every page needs live here.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function notify(message, kind) {
    var box = document.getElementById("notices");
    if (!box) { return; }
    var note = document.createElement("div");
    note.className = "notice notice--" + (kind || "error");
    note.setAttribute("role", kind === "error" ? "alert" : "status");
    note.textContent = message;
    box.appendChild(note);
  }

  // Every htmx request that changes state carries the CSRF token as a header.
  document.addEventListener("htmx:configRequest", function (evt) {
    evt.detail.headers["X-CSRFToken"] = csrfToken();
  });

  // htmx does not swap error answers; say what went wrong instead of doing nothing.
  document.addEventListener("htmx:responseError", function (evt) {
    var xhr = evt.detail.xhr;
    var message = xhr.getResponseHeader("X-Portal-Message") ||
      "The portal answered with an error (" + xhr.status + "). Nothing was changed.";
    notify(message, "error");
  });
  document.addEventListener("htmx:sendError", function () {
    notify("The portal could not be reached. Check your connection and try again; " +
      "nothing was saved.", "error");
  });

  // Plain forms (no htmx) ask before destructive actions marked data-confirm.
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    var question = form.getAttribute("data-confirm");
    if (question && !form.hasAttribute("hx-post") && !window.confirm(question)) {
      evt.preventDefault();
    }
  });
})();
