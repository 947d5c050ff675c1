// A table with class "stack" becomes one card per row on a phone (static/css/app.css): each
// cell is captioned by its column's heading, copied here from the table head into data-label.
// Without this script the table stays a table and scrolls inside its own box.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.stack").forEach(function (table) {
    var headings = Array.from(table.querySelectorAll("thead th")).map(function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
      Array.from(row.children).forEach(function (cell, i) {
        if (!cell.hasAttribute("data-label") && headings[i]) cell.setAttribute("data-label", headings[i]);
      });
    });
  });
});

// A box that scrolls a wide table sideways can be reached and scrolled from the keyboard.
function keyboardScroll() {
  document.querySelectorAll(".overflow-auto").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var heading = box.previousElementSibling;
      while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
      box.setAttribute("aria-label", heading ? heading.textContent.trim() : "Tabel");
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
    }
  });
}
document.addEventListener("DOMContentLoaded", keyboardScroll);
window.addEventListener("resize", keyboardScroll);
