// Offline help: the service worker, and check-ins made without a connection.
//
// A check-in saved while the phone is offline is kept in this browser's localStorage with an id
// made here, and sent when the connection is back. The server records each id once, so sending it
// twice changes nothing. Only the person who made it sends it; signing out deletes it.
(function () {
  "use strict";
  var STORE = "pending-checkins";
  // Who last used the check-in page on this phone, and how their day is counted: for a check-in
  // made on the offline page, which is the same for everyone. An opaque id and a time zone only.
  var OWNER = "checkin-person";
  var DAY = "checkin-day";

  function signedInPerson() { return document.body.dataset.person || ""; }
  function person() { return signedInPerson() || localStorage.getItem(OWNER) || ""; }

  function forget() {
    [STORE, OWNER, DAY].forEach(function (key) { localStorage.removeItem(key); });
  }

  // The client's local day, as the server counts it (plans/timezones.py: local_day): the date
  // where they are, and hours before their day starts still count for the day before.
  function localDay() {
    var setting = {};
    try { setting = JSON.parse(localStorage.getItem(DAY) || "{}"); } catch (e) { setting = {}; }
    var startsAt = typeof setting.dayStartsAt === "number" ? setting.dayStartsAt : 4;
    var options = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" };
    var parts = {};
    var format;
    try { format = new Intl.DateTimeFormat("en-CA", Object.assign({ timeZone: setting.zone }, options)); }
    catch (e) { format = new Intl.DateTimeFormat("en-CA", options); }
    format.formatToParts(new Date()).forEach(function (part) { parts[part.type] = part.value; });
    var day = new Date(Date.UTC(+parts.year, +parts.month - 1, +parts.day));
    if (+parts.hour < startsAt) { day.setUTCDate(day.getUTCDate() - 1); }
    return day.toISOString().slice(0, 10);
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }

  function save(items) {
    if (items.length) { localStorage.setItem(STORE, JSON.stringify(items)); } else { localStorage.removeItem(STORE); }
  }

  function mine(items) {
    return items.filter(function (item) { return item.person === person(); });
  }

  function showStatus(text) {
    var notice = document.querySelector("[data-pending-summary]");
    if (!notice) { return; }
    var waiting = mine(load()).length;
    var message = text || (waiting ? notice.dataset.waiting : "");
    notice.hidden = !message;
    var output = notice.querySelector("[data-pending-text]") || notice;
    if (message) { output.textContent = message; }
  }

  var sending = false;
  function sendPending() {
    // Sent only while its own person is signed in, never as someone else.
    if (sending || !navigator.onLine || !signedInPerson()) { return; }
    var items = mine(load());
    if (!items.length) { return; }
    sending = true;
    var sent = 0;
    var refused = 0;
    var chain = Promise.resolve();
    items.forEach(function (item) {
      chain = chain.then(function () {
        var body = new URLSearchParams(item.fields);
        var token = csrfToken() || body.get("csrfmiddlewaretoken") || "";
        body.set("csrfmiddlewaretoken", token);  // this page's token: the session may be newer
        return fetch(item.action, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          redirect: "manual",
          headers: { "Accept": "application/json", "X-CSRFToken": token }
        }).then(function (response) {
          // 200: recorded now or before (the same id). 400 or 404: it can never be saved as it is
          // (a day too long ago, a goal removed since). Anything else (signed out, no connection,
          // a server problem): keep it and try again later.
          if (response.status === 200 || response.status === 400 || response.status === 404) {
            if (response.status === 200) { sent += 1; } else { refused += 1; }
            save(load().filter(function (other) { return other.key !== item.key; }));
          }
        }).catch(function () { /* still offline: keep it */ });
      });
    });
    chain.then(function () {
      sending = false;
      var notice = document.querySelector("[data-pending-summary]");
      if (!notice) { return; }
      if (mine(load()).length) { showStatus(); return; }
      if (refused) { showStatus(notice.dataset.refused); } else if (sent) { showStatus(notice.dataset.sent); }
    });
  }

  function keepOffline(form, extra) {
    var fields = extra || [];
    new FormData(form).forEach(function (value, name) { fields.push([name, String(value)]); });
    // Only a check-in kept here carries an id: the server saves it once, however often it is sent.
    var id = newKey();
    fields.push(["checkin_key", id]);
    var items = load();
    items.push({ key: id, person: person(), action: form.action, fields: fields, savedAt: new Date().toISOString() });
    save(items);
    showStatus();
    var notice = document.querySelector("[data-pending-summary]");
    if (notice) { notice.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.body.hasAttribute("data-signed-out")) { forget(); }
    document.querySelectorAll("form[data-sign-out]").forEach(function (form) {
      form.addEventListener("submit", forget);
    });
    document.querySelectorAll("form[data-offline-checkin]").forEach(function (form) {
      if (signedInPerson()) {
        localStorage.setItem(OWNER, signedInPerson());
        localStorage.setItem(DAY, JSON.stringify({ zone: form.dataset.zone, dayStartsAt: +form.dataset.dayStartsAt }));
      }
      form.addEventListener("submit", function (event) {
        if (navigator.onLine) { return; }  // online: the ordinary form post
        event.preventDefault();
        keepOffline(form);
      });
    });
    // The offline page: a short check-in for the person who used the check-in page here.
    var section = document.querySelector("[data-offline-checkin-section]");
    var basic = document.querySelector("form[data-offline-basic]");
    if (section && basic && localStorage.getItem(OWNER)) {
      section.hidden = false;
      basic.addEventListener("submit", function (event) {
        event.preventDefault();
        keepOffline(basic, [["day", localDay()]]);
        basic.reset();
      });
    }
    showStatus();
    sendPending();
    var worker = document.body.dataset.serviceWorker;
    if (worker && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(worker, { scope: "/" }).catch(function () { /* the site works without it */ });
    }
  });
  window.addEventListener("online", sendPending);
  window.addEventListener("offline", function () { showStatus(); });
})();
