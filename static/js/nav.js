// The main menu folds behind its "Menu" button on a narrow screen. Without this script the
// menu simply stays open (wrapped), so every link still works.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".nav-toggle");
  var menu = document.getElementById("menu-utama");
  if (!button || !menu) return;
  button.addEventListener("click", function () {
    var open = menu.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
});
