/* ODSC bottleneck map: draw the process with the bpmn-js navigated viewer and put a badge on each user task:
   cases waiting now and the 90th percentile of working days, coloured against the step's limit. */
(function () {
  "use strict";
  function text(s) { var d = document.createElement("span"); d.textContent = s; return d.innerHTML; }
  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-elements-diagram"));
    if (!source || !window.BpmnJS) { return; }
    var data = JSON.parse(source.textContent);
    var viewer = new window.BpmnJS({ container: container });
    viewer.importXML(data.xml).then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      var overlays = viewer.get("overlays");
      canvas.zoom("fit-viewport");
      Object.keys(data.overlays || {}).forEach(function (id) {
        if (!registry.get(id)) { return; }
        var o = data.overlays[id];
        var p90 = o.p90 === null ? "–" : (Math.round(o.p90 * 10) / 10);
        var html = '<span class="elements-badge elements-' + text(o.level) + '" data-overlay="' + text(id) + '">' +
          text(String(o.waiting)) + " " + text(data.waiting) + " · " + text(String(p90)) + " " + text(data.days) +
          "</span>";
        overlays.add(id, { position: { bottom: 4, left: -4 }, html: html });
      });
      container.setAttribute("data-elements-drawn", "1");
    }).catch(function (err) {
      container.textContent = "The diagram cannot be shown: " + (err && err.message ? err.message : err);
    });
  }
  function start() {
    var nodes = document.querySelectorAll("[data-elements-diagram]");
    for (var i = 0; i < nodes.length; i++) { draw(nodes[i]); }
    var service = document.querySelector("[data-elements-service]");
    if (service) {
      service.addEventListener("change", function () {
        var form = service.form;
        form.action = "/monitor/services/" + encodeURIComponent(service.value) + "/elements";
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
