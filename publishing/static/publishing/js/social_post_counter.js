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

  // The bilingual estimate counts as the server does (publishing/validation.py):
  // X weighs each code point outside its light ranges 2 and a link 23; Bluesky
  // counts graphemes; the others code points. The server's figure, shown beside it,
  // is the one that counts.
  var X_LIGHT = [[0x0000, 0x10FF], [0x2000, 0x200D], [0x2010, 0x201F], [0x2032, 0x2037]];
  var X_WEIGHTLESS = /[\u200d\ufe00-\ufe0f]/;
  var X_LINK = 23;

  function xWeight(text) {
    return Array.from(text.normalize("NFC")).reduce(function (total, character) {
      if (X_WEIGHTLESS.test(character)) return total;
      var point = character.codePointAt(0);
      var light = X_LIGHT.some(function (range) {
        return point >= range[0] && point <= range[1];
      });
      return total + (light ? 1 : 2);
    }, 0);
  }

  function networkLength(text, network) {
    if (network === "x") {
      var links = text.match(URL_PATTERN) || [];
      return xWeight(text.replace(URL_PATTERN, "")) + links.length * X_LINK;
    }
    if (network === "bluesky" && window.Intl && Intl.Segmenter) {
      return Array.from(new Intl.Segmenter().segment(text)).length;
    }
    return Array.from(text).length;
  }

  function bilingualEstimate(textarea) {
    var line = document.querySelector(
      "[data-bilingual-length][data-for='" + textarea.name + "']");
    if (!line) return;
    var output = line.querySelector("[data-bilingual-length-estimate]");
    var languages = document.querySelector(
      "select[name='" + textarea.name.replace(/-text$/, "-languages") + "']");
    if (languages && languages.value !== "together") {
      output.textContent = "";
      return;
    }
    var own = textarea.value.trim();
    var partner = line.getAttribute("data-partner-text");
    var texts = line.getAttribute("data-own-first") === "true" ? [own, partner] : [partner, own];
    var combined = texts.filter(function (text) { return text; }).join("\n\n");
    var length = networkLength(combined, line.getAttribute("data-network")) +
      Number(line.getAttribute("data-link-length"));
    var limit = Number(line.getAttribute("data-limit"));
    var sentence = line.getAttribute(length > limit ? "data-estimate-over" : "data-estimate");
    output.textContent = sentence.replace("{length}", length).replace("{limit}", limit);
  }

  function accountSelect(textarea) {
    var name = textarea.name.replace(/-text$/, "-account");
    return document.querySelector("select[name='" + name + "']");
  }

  function update(textarea) {
    bilingualEstimate(textarea);
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
    if (event.target.matches("select[name^='social_posts-'][name$='-languages']")) {
      var text = document.querySelector(
        "textarea[name='" + event.target.name.replace(/-languages$/, "-text") + "']");
      if (text) bilingualEstimate(text);
    }
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
