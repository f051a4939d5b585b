// A live length counter under each social post's text in the page editor.
// Progressive enhancement: the form is validated on the server either way.
(function () {
  "use strict";
  var rulesElement = document.getElementById("publishing-length-rules");
  if (!rulesElement) return;
  var rules = JSON.parse(rulesElement.textContent);
  var URL_PATTERN = /(?:https?:\/\/|www\.)[^\s<>"]+/gi;
  var LINK_ALLOWANCE = 2 + 23; // the link back to the website, on its own line

  function count(text, rule) {
    if (!rule.link) return Array.from(text).length + LINK_ALLOWANCE;
    var links = text.match(URL_PATTERN) || [];
    var rest = text.replace(URL_PATTERN, "");
    return Array.from(rest).length + links.length * rule.link + LINK_ALLOWANCE;
  }

  function accountSelect(textarea) {
    var name = textarea.name.replace(/-text$/, "-account");
    return document.querySelector("select[name='" + name + "']");
  }

  function update(textarea) {
    var select = accountSelect(textarea);
    var rule = select && rules[select.value];
    var output = textarea.parentNode.querySelector(".publishing-counter");
    if (!output) {
      output = document.createElement("p");
      output.className = "publishing-counter help";
      output.setAttribute("aria-live", "polite");
      textarea.parentNode.appendChild(output);
    }
    if (!rule) {
      output.textContent = "Choose an account to see how long the post may be.";
      return;
    }
    var used = count(textarea.value, rule);
    if (!rule.max) {
      output.textContent = used + " characters on " + rule.network +
        " (including the link to the website). Long posts are folded behind " +
        "\u201cSee more\u201d, so put the news first.";
      output.style.color = "";
      return;
    }
    output.textContent = used + " / " + rule.max + " characters on " + rule.network +
      " (including the link to the website)";
    output.style.color = used > rule.max ? "#cd4444" : "";
  }

  function bind(root) {
    root.querySelectorAll("textarea[name^='social_posts-'][name$='-text']")
      .forEach(function (textarea) {
        if (textarea.dataset.publishingCounter) return;
        textarea.dataset.publishingCounter = "1";
        textarea.addEventListener("input", function () { update(textarea); });
        update(textarea);
      });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("select[name^='social_posts-'][name$='-account']")) {
      var name = event.target.name.replace(/-account$/, "-text");
      var textarea = document.querySelector("textarea[name='" + name + "']");
      if (textarea) update(textarea);
    }
  });
  document.addEventListener("DOMContentLoaded", function () { bind(document); });
  new MutationObserver(function () { bind(document); })
    .observe(document.documentElement, { childList: true, subtree: true });
})();
