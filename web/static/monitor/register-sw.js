// Registers the service worker (app shell + last-seen public pages for poor connections), and says so when
// the page on screen is the copy saved on this phone because there is no connection.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    // updateViaCache "all": the update check may use the HTTP cache (sw.js is cached for an hour), so a repeat
    // visit costs one request, the page itself
    navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "all" }).catch(function () {});
  });
}
(function () {
  function show() {
    var note = document.getElementById("offline-note");
    if (note) note.hidden = navigator.onLine;
  }
  window.addEventListener("online", show);
  window.addEventListener("offline", show);
  document.addEventListener("DOMContentLoaded", show);
})();
