// "Urgent closure" on the dashboard opens the notice form with the kind and the pin
// already chosen (?kind=closure&pinned=1). Only on a new page's form; a person still
// reads and submits it.
(function () {
  "use strict";
  if (!/\/pages\/add\//.test(window.location.pathname)) return;
  var params = new URLSearchParams(window.location.search);
  function prefill() {
    var kind = params.get("kind");
    var select = document.querySelector("select[name='kind']");
    if (kind && select && select.querySelector("option[value='" + CSS.escape(kind) + "']")) {
      select.value = kind;
    }
    var pinned = document.querySelector("input[type='checkbox'][name='pinned']");
    if (params.get("pinned") === "1" && pinned) pinned.checked = true;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", prefill);
  } else {
    prefill();
  }
})();
