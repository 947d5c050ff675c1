// A table with class "stack" becomes one card per row on a phone (static/css/app.css): each
// cell is captioned by its column's heading, copied here from the table head into data-label.
// Without this script the table stays a table and scrolls inside its own box.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.stack").forEach(function (table) {
    var headings = Array.from(table.querySelectorAll("thead th")).map(function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.from(row.children).forEach(function (cell, i) {
        if (!cell.hasAttribute("data-label") && headings[i]) cell.setAttribute("data-label", headings[i]);
      });
    });
  });
});
