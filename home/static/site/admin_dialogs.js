// Every admin dialog (image, document and page choosers, links, embeds...) is named by
// its own heading, so a screen reader announces "Choose an image, dialog" and not an
// unnamed dialog. Wagtail builds these dialogs in the browser without a name; this
// names each one when its content arrives. It changes no behaviour.
(function () {
  "use strict";
  var counter = 0;
  function name(dialog) {
    var heading = dialog.querySelector(".modal-body h1, .modal-body h2");
    if (!heading) return;
    if (!heading.id) {
      counter += 1;
      heading.id = "admin-dialog-heading-" + counter;
    }
    if (dialog.getAttribute("aria-labelledby") !== heading.id) {
      dialog.setAttribute("aria-labelledby", heading.id);
    }
    dialog.setAttribute("aria-modal", "true");
  }
  function nameAll() {
    document.querySelectorAll("[role='dialog'].modal").forEach(name);
  }
  new MutationObserver(nameAll).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
  nameAll();
})();
