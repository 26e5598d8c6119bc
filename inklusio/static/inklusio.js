/* Wide tables scroll inside their own labelled region instead of widening the page (WCAG 1.4.10
   reflow): the region takes keyboard focus so the arrow keys scroll it, and screen readers name it
   after the table's caption or the heading above it. Done once here rather than in every app's
   template; content htmx swaps in (search results) gets the same treatment. */
(function () {
  "use strict";

  function labelFor(table) {
    if (table.caption && table.caption.textContent.trim()) {
      return table.caption.textContent.trim();
    }
    // The nearest heading before the table, in document order.
    var headings = document.querySelectorAll("main h1, main h2, main h3, main h4");
    var label = "";
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING) {
        label = headings[i].textContent.trim();
      }
    }
    return label || document.body.dataset.tableLabel || "";
  }

  function wrapTables(root) {
    var tables = (root.matches && root.matches("table") ? [root] : []).concat(
      Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll("table") : [])
    );
    tables.forEach(function (table) {
      // A template may give a table its own region (the plan page's week grids).
      if (!table.closest("main") || table.closest("[role=region]")) {
        return;
      }
      var region = document.createElement("div");
      region.className = "table-scroll";
      region.setAttribute("role", "region");
      region.setAttribute("tabindex", "0");
      region.setAttribute("aria-label", labelFor(table));
      table.parentNode.insertBefore(region, table);
      region.appendChild(table);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wrapTables(document);
    // Moving a table into its region takes the focus off a field in it that the page gave the
    // focus (a refused inline form's field in error, marked autofocus): give it back.
    var wanted = document.querySelector("main [autofocus]");
    if (wanted && document.activeElement !== wanted) {
      wanted.focus();
    }
  });
  document.addEventListener("htmx:load", function (event) { wrapTables(event.target); });
})();
