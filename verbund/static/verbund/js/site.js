(function () {
  "use strict";
  // After a form was sent with errors, the summary of the errors gets the focus, so
  // keyboard and screen reader users start right there.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  // Links in an error summary move focus to the field, with its label in view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) {
      return;
    }
    event.preventDefault();
    var label = document.querySelector("label[for='" + target.id + "']");
    (label || target).scrollIntoView();
    target.focus({ preventScroll: true });
  });
  // The offer finder's filters: always open on wide screens, where they sit beside the
  // results; on phones they stay behind their "Filter" button.
  var toggle = document.querySelector("[data-filters-toggle]");
  if (toggle && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 60em)");
    var follow = function () {
      if (wide.matches) {
        toggle.open = true;
      }
    };
    follow();
    wide.addEventListener("change", follow);
  }
  // Copy buttons: <button data-copy-target="ID" data-copied="Kopiert." hidden> copies the
  // value of the field ID and says so in the element with data-copy-status="ID". Without a
  // clipboard the buttons stay hidden and the field can be copied by hand.
  if (navigator.clipboard) {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var id = button.getAttribute("data-copy-target");
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(document.getElementById(id).value).then(function () {
          var status = document.querySelector("[data-copy-status='" + id + "']");
          if (status) {
            status.textContent = button.getAttribute("data-copied");
          }
        });
      });
    });
  }
})();
