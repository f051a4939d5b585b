// Type-to-filter for the learner tick boxes on the image and document forms.
// Progressive enhancement: without it every learner is listed.
(function () {
  "use strict";
  function bind(picker) {
    if (picker.dataset.bound) return;
    picker.dataset.bound = "1";
    var filter = picker.querySelector("[data-learner-filter]");
    var count = picker.querySelector("[data-learner-count]");
    var options = picker.querySelectorAll("[data-learner-option]");
    function update() {
      var wanted = filter.value.trim().toLowerCase();
      var shown = 0;
      options.forEach(function (option) {
        var ticked = option.querySelector("input").checked;
        var match = !wanted || option.textContent.toLowerCase().indexOf(wanted) !== -1;
        option.hidden = !(match || ticked);
        if (!option.hidden) shown += 1;
      });
      count.textContent = wanted ? shown + " of " + options.length + " learners shown" : "";
    }
    filter.addEventListener("input", update);
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // never submit the form
    });
  }
  function bindAll() {
    document.querySelectorAll("[data-learner-picker]").forEach(bind);
  }
  document.addEventListener("DOMContentLoaded", bindAll);
  document.addEventListener("w-formset:added", bindAll);
  bindAll();
})();
