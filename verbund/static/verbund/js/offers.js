// Offer finder: without this file the form is an ordinary GET form. With it, a change of a
// filter fetches the same page and swaps the filters (for new counts) and the results in
// place; the address bar keeps the filters, so the search stays bookmarkable.
(function () {
  "use strict";
  var form = document.querySelector("form[data-offer-finder]");
  if (!form || !window.fetch || !window.DOMParser || !window.history.pushState) {
    return;
  }
  var filters = document.getElementById("offer-filters");
  var results = document.getElementById("offer-results");
  var count = document.getElementById("offer-count");
  var section = results.closest("section");
  var pending = null;
  // The query string on screen; a jump to an anchor (the skip link) keeps it and must not
  // reload the results.
  var shownSearch = window.location.search;

  function cleanQuery(formElement) {
    var params = new URLSearchParams();
    new FormData(formElement).forEach(function (value, name) {
      if (String(value).trim() !== "") {
        params.append(name, value);
      }
    });
    return params.toString();
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var newFilters = doc.getElementById("offer-filters");
    var newResults = doc.getElementById("offer-results");
    var newCount = doc.getElementById("offer-count");
    if (!newFilters || !newResults || !newCount) {
      return false;
    }
    var active = document.activeElement;
    var activeId = active && filters.contains(active) ? active.id : "";
    var selection = null;
    if (activeId && typeof active.selectionStart === "number") {
      selection = [active.selectionStart, active.selectionEnd];
    }
    filters.innerHTML = newFilters.innerHTML;
    results.innerHTML = newResults.innerHTML;
    // The status region stays in the page, so screen readers announce the new count.
    count.textContent = newCount.textContent;
    form = filters.querySelector("form[data-offer-finder]");
    bind(form);
    var summary = filters.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    } else if (activeId && document.getElementById(activeId)) {
      var again = document.getElementById(activeId);
      again.focus({ preventScroll: true });
      if (selection && typeof again.setSelectionRange === "function") {
        try { again.setSelectionRange(selection[0], selection[1]); } catch (e) { /* date fields */ }
      }
    }
    return true;
  }

  function load(url, push) {
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    section.setAttribute("aria-busy", "true");
    return fetch(url, { headers: { "X-Requested-With": "fetch" }, signal: pending.signal })
      .then(function (response) {
        return response.text().then(function (html) {
          if (!swap(html)) {
            window.location.href = url;
            return;
          }
          if (push) {
            window.history.pushState({ offerFinder: true }, "", url);
          }
          shownSearch = window.location.search;
        });
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          window.location.href = url;
        }
      })
      .finally(function () {
        section.removeAttribute("aria-busy");
      });
  }

  function submit() {
    var query = cleanQuery(form);
    load(form.getAttribute("action") + (query ? "?" + query : ""), true);
  }

  function bind(formElement) {
    formElement.addEventListener("submit", function (event) {
      event.preventDefault();
      submit();
    });
    formElement.addEventListener("change", function (event) {
      // Typed fields are sent with the button or Enter: a date field reports a change at
      // every complete date while one is still typing the year.
      if (event.target.name === "q" || event.target.type === "date") {
        return;
      }
      submit();
    });
  }

  bind(form);

  // Page links load in place as well; focus goes to the results heading.
  results.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".pagination a");
    if (!link) {
      return;
    }
    event.preventDefault();
    load(link.href, true).then(function () {
      var heading = document.getElementById("results-heading");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    });
  });

  window.addEventListener("popstate", function () {
    if (window.location.search !== shownSearch) {
      load(window.location.href, false);
    }
  });
})();
