/* ODSC service worker: keeps the app shell and the last-seen public pages for poor connections.
   Served from /sw.js (site root scope), which fills in VERSION and SHELL (the content-hashed static URLs).
   Public pages (home, centres and services, a case's status page, dashboards, transparency) are fetched
   network-first; when the network fails the last copy of the same page is shown, and the page itself says
   when it was last updated. Static files are cache-first (their names change when their bytes do). */
const VERSION = "odsc-__VERSION__";
const SHELL = __SHELL__;
const PAGES = ["/centres", "/status/", "/monitor/", "/transparency/", "/verify"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function isPage(url) {
  return (url.pathname === "/" || PAGES.some((p) => url.pathname.startsWith(p))) && !url.pathname.endsWith(".csv")
    && !url.pathname.endsWith("/apply");
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (/^\/(login|logout|auth\/)/.test(url.pathname)) {
    // logging in or out: forget the dashboards seen under the previous account
    event.waitUntil(caches.open(VERSION).then((cache) => cache.keys().then((keys) =>
      Promise.all(keys.filter((k) => /^\/(monitor|centres)\b/.test(new URL(k.url).pathname)).map((k) => cache.delete(k))))));
    return;
  }
  if (request.method !== "GET") return;
  if (isPage(url)) {
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(VERSION).then((cache) => cache.put(request, copy));
        }
        return response;
      }).catch(() => caches.match(request).then((hit) => hit ||
        new Response("<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
          "<p style='font-family:sans-serif;padding:1rem'>ບໍ່ມີການເຊື່ອມຕໍ່ · You are offline.</p>",
          { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } })))
    );
    return;
  }
  if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(VERSION).then((cache) => cache.put(request, copy));
      }
      return response;
    })));
  }
});
