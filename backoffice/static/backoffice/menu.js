/* The compact menu of small screens (base.html, ips.css "compact menu"): with this script the page
   gets the class "js", and below 48rem the account and the menu fold behind the "Menu" button in
   the header; without it everything stays open. A static file: the CSP allows no inline script. */
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  var knop = document.querySelector(".kop__menuknop");
  var kop = document.querySelector(".kop");
  if (!knop || !kop) return;
  knop.addEventListener("click", function () {
    var open = kop.classList.toggle("kop--open");
    knop.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && kop.classList.contains("kop--open")) {
      kop.classList.remove("kop--open");
      knop.setAttribute("aria-expanded", "false");
      knop.focus();
    }
  });
});
