/* ODSC service worker: keeps the app shell and the last-seen dashboard for poor connections.
   Served from /sw.js (site root scope). Pages are fetched network-first; when the network fails the
   last copy of the same dashboard (or transparency page) is shown. Static files are cache-first. */
const VERSION = "odsc-monitor-v1";
const SHELL = [
  "/static/css/app.css",
  "/static/monitor/monitor.css",
  "/static/monitor/register-sw.js",
  "/static/monitor/icon-192.png",
  "/static/monitor/icon-512.png",
  "/static/fonts/noto-sans-lao-lao-400-normal.woff2",
  "/static/fonts/noto-sans-lao-lao-700-normal.woff2",
  "/manifest.webmanifest",
];
const PAGES = ["/monitor/", "/transparency/"];

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
  return PAGES.some((p) => url.pathname.startsWith(p)) && !url.pathname.endsWith(".csv");
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (/^\/(login|logout|auth\/)/.test(url.pathname)) {
    // logging in or out: forget the dashboards seen under the previous account
    event.waitUntil(caches.open(VERSION).then((cache) => cache.keys().then((keys) =>
      Promise.all(keys.filter((k) => new URL(k.url).pathname.startsWith("/monitor/")).map((k) => cache.delete(k))))));
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
