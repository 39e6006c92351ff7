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

  // A draft status says "saved" only when the server said so; a failure stays visible
  // there until the next successful save.
  function draftFailed(evt, why) {
    var status = evt.detail.target && evt.detail.target.closest("[data-draft-status]");
    if (!status) { return false; }
    status.textContent = "Draft NOT saved: " + why + " Keep this tab open and try saving again.";
    status.className = "draft-status draft-status--warning";
    status.setAttribute("role", "alert");
    return true;
  }

  // htmx does not swap error answers; say what went wrong instead of doing nothing.
  document.addEventListener("htmx:responseError", function (evt) {
    var xhr = evt.detail.xhr;
    var message = xhr.getResponseHeader("X-Portal-Message") ||
      "The portal answered with an error (" + xhr.status + "). Nothing was changed.";
    if (!draftFailed(evt, message)) { notify(message, "error"); }
  });
  document.addEventListener("htmx:sendError", function (evt) {
    var message = "The portal could not be reached.";
    if (!draftFailed(evt, message)) {
      notify(message + " Check your connection and try again; nothing was saved.", "error");
    }
  });
  document.addEventListener("htmx:afterSwap", function (evt) {
    if (evt.detail.target && evt.detail.target.hasAttribute("data-draft-status")) {
      evt.detail.target.className = "draft-status";
      evt.detail.target.removeAttribute("role");
    }
  });

  // Polling (live sections, presence) only while the tab is visible: a hidden tab
  // costs the server nothing. A poll that would redraw an editor open inside it
  // (data-editing) or a panel opened there (a section's rename, move or remove) waits
  // until it is saved or closed. What has the focus keeps it across a redraw: each
  // control in a redrawn part has an id (htmx focuses the new element of that id).
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var elt = evt.detail.elt;
    if (!elt || elt.getAttribute("data-poll") !== "visible") { return; }
    if (document.hidden || elt.querySelector("[data-editing], details[open]")) {
      evt.preventDefault();
    }
  });

  // Menus (<details class="dropdown">) open without script; this only closes an open
  // one on Escape (focus back on its toggle) or on a click outside it.
  function closeMenus(except) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (menu) {
      if (menu !== except && !menu.contains(except)) { menu.removeAttribute("open"); }
    });
  }
  document.addEventListener("click", function (evt) {
    closeMenus(evt.target.closest ? evt.target.closest("details.dropdown") : null);
  });
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape") { return; }
    var menu = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest("details.dropdown[open]");
    closeMenus(null);
    if (menu) { menu.querySelector("summary").focus(); }
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
