// A form is sent once: after a submit its buttons are disabled (a double click or an impatient
// second tap sends nothing more) and the pressed one shows it is busy. Scripts that send a form
// themselves (preventDefault) are left alone; coming back to the page enables the buttons again.
// The server does not rely on this: an import sent twice is still imported once (progress.once).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
  var pressed = event.submitter;
  setTimeout(function () {  // after the browser has read the pressed button's name and value
    if (event.defaultPrevented) return;
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (b) {
      if (!b.disabled) { b.disabled = true; b.setAttribute("data-sent", ""); }
    });
    if (pressed) pressed.setAttribute("aria-busy", "true");
  }, 0);
});
window.addEventListener("pageshow", function () {
  document.querySelectorAll("[data-sent]").forEach(function (b) {
    b.disabled = false;
    b.removeAttribute("data-sent");
    b.removeAttribute("aria-busy");
  });
});

// A select marked data-autosubmit sends its form when changed; a button marked data-print prints.
// (Kept here rather than in onchange/onclick attributes, which the Content-Security-Policy refuses.)
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-autosubmit]") && event.target.form) event.target.form.submit();
});
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
