// "Regel toevoegen" on the declaration form (declaraties/declaratie_nieuw.html): copies the empty
// row of the Django formset (<template id="regel-sjabloon">, prefix __prefix__) and counts it in the
// management form. Without JavaScript the "Meer regels" button does the same through the server.
(function () {
  "use strict";
  var knop = document.getElementById("regel-toevoegen");
  var sjabloon = document.getElementById("regel-sjabloon");
  var regels = document.getElementById("regels");
  var totaal = document.getElementById("id_regels-TOTAL_FORMS");
  var maximum = document.getElementById("id_regels-MAX_NUM_FORMS");
  if (!knop || !sjabloon || !regels || !totaal) {
    return;
  }
  var uitleg = document.getElementById("regel-maximum");
  // at the form's maximum (the server refuses more rows) the button is off, and says why
  function bijMaximum() {
    var vol = maximum && parseInt(totaal.value, 10) >= parseInt(maximum.value, 10);
    knop.disabled = Boolean(vol);
    if (uitleg) {
      uitleg.hidden = !vol;
    }
    return vol;
  }
  knop.hidden = false;
  bijMaximum();
  knop.addEventListener("click", function () {
    var index = parseInt(totaal.value, 10);
    if (bijMaximum()) {
      return;
    }
    var html = sjabloon.innerHTML.replace(/__prefix__/g, String(index)).replace(/__nummer__/g, String(index + 1));
    var houder = document.createElement("div");
    houder.innerHTML = html;
    var regel = houder.querySelector("fieldset");
    regels.appendChild(regel);
    totaal.value = String(index + 1);
    bijMaximum();
    var eerste = regel.querySelector("input, select");
    if (eerste) {
      eerste.focus();
    }
  });
})();
