// Keeps "Preparing 50 photos… 12 ready" up to date on the review screen and the
// dashboard without a refresh, until the page is live or its preparation stopped.
// Progressive enhancement: without it, "Check again" (a plain refresh) does the same.
(function () {
  "use strict";
  var EVERY_MS = 3000;

  function finished(element) {
    return element.getAttribute("data-preparation-status") !== "preparing";
  }

  function hideCheckAgain() {
    var all = document.querySelectorAll("[data-preparation-progress][data-preparation-url]");
    if (Array.prototype.some.call(all, function (element) { return !finished(element); })) {
      return;
    }
    document.querySelectorAll("[data-preparation-check-again]").forEach(function (link) {
      link.hidden = true;
    });
  }

  function follow(element) {
    var text = element.querySelector("[data-preparation-text]");
    var url = element.getAttribute("data-preparation-url");
    function ask() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (progress) {
          text.textContent = progress.text;
          element.setAttribute("data-preparation-status", progress.status);
          if (progress.status === "stopped") {
            element.classList.replace("help-info", "help-critical");
          }
          if (finished(element)) {
            hideCheckAgain();
          } else {
            window.setTimeout(ask, EVERY_MS);
          }
        })
        // Signed out, or the server unreachable: stop asking; "Check again" stays.
        .catch(function () {});
    }
    window.setTimeout(ask, EVERY_MS);
  }

  document
    .querySelectorAll("[data-preparation-progress][data-preparation-url]")
    .forEach(function (element) {
      if (!finished(element) && element.querySelector("[data-preparation-text]")) {
        follow(element);
      }
    });
})();
