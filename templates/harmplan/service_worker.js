{% autoescape off %}// The service worker: the app shell and the signed-out help page, nothing else (harmplan/webapp.py).
"use strict";
var CACHE = "{{ cache_name }}";
var SHELL = {{ shell }};
var PUBLIC_PAGES = {{ public_pages }};
var OFFLINE_URL = {{ offline_url }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // Without cookies: what is kept is what anyone would get, never a signed-in page.
      return Promise.all(SHELL.concat(PUBLIC_PAGES).map(function (url) {
        return fetch(url, { credentials: "omit", cache: "no-store" }).then(function (response) {
          if (response.ok) { return cache.put(url, response); }
        });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name !== CACHE; })
        .map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    // Pages always come from the network. Offline: the kept signed-out copy of a public page, or
    // the offline page. A page that came from the network is never put in the cache.
    event.respondWith(fetch(request).catch(function () {
      var path = PUBLIC_PAGES.indexOf(url.pathname) >= 0 ? url.pathname : OFFLINE_URL;
      return caches.match(path, { cacheName: CACHE }).then(function (cached) {
        return cached || Response.error();
      });
    }));
    return;
  }
  if (SHELL.indexOf(url.pathname) >= 0) {
    // Styles, scripts and icons: the network first (so a deploy shows at once), the copy offline.
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname, { cacheName: CACHE });
    }));
  }
});
{% endautoescape %}
