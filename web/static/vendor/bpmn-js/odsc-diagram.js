/* ODSC: draw each [data-odsc-diagram] with the bpmn-js navigated viewer and mark done / current elements.
   Not part of bpmn-js; the bpmn.io watermark the viewer draws is left in place as its licence requires. */
(function () {
  "use strict";
  function draw(container) {
    if (container.getAttribute("data-odsc-drawn")) { return; }
    container.setAttribute("data-odsc-drawn", "1");
    var source = document.getElementById(container.getAttribute("data-odsc-diagram"));
    if (!source || !window.BpmnJS) { return; }
    var data = JSON.parse(source.textContent);
    var viewer = new window.BpmnJS({ container: container });
    viewer.importXML(data.xml).then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      canvas.zoom("fit-viewport");
      (data.done || []).forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, "odsc-done"); }
      });
      (data.current || []).forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, "odsc-current"); }
      });
    }).catch(function (err) {
      container.textContent = "The diagram cannot be shown: " + (err && err.message ? err.message : err);
    });
  }
  function all() {
    var nodes = document.querySelectorAll("[data-odsc-diagram]");
    for (var i = 0; i < nodes.length; i++) { draw(nodes[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", all); } else { all(); }
})();
