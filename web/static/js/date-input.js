// The date field: shows the typed dd/mm/yyyy in words with the page's month names (Lao first), so a person
// sees at once that 05/11/2026 is 5 November and not 11 May. The server parses the same format.
(function () {
  function words(input) {
    var out = document.getElementById(input.id + "-words");
    if (!out) return;
    var months = (input.getAttribute("data-months") || "").split("|");
    var m = /^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})\s*$/.exec(input.value);
    if (!m) { out.textContent = ""; return; }
    var d = +m[1], mo = +m[2], y = +m[3];
    var probe = new Date(Date.UTC(y, mo - 1, d));
    if (mo < 1 || mo > 12 || probe.getUTCDate() !== d) { out.textContent = "✗"; return; }
    out.textContent = d + " " + months[mo - 1] + " " + y;
  }
  function slashes(input) {
    // typing 17051990 gives 17/05/1990
    var digits = input.value.replace(/\D/g, "");
    if (/^\d{8}$/.test(input.value)) input.value = digits.slice(0, 2) + "/" + digits.slice(2, 4) + "/" + digits.slice(4);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-date-input]").forEach(function (input) {
      input.addEventListener("input", function () { words(input); });
      input.addEventListener("blur", function () { slashes(input); words(input); });
      words(input);
    });
  });
})();
