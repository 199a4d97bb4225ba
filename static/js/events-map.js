// The public maps: the event map with clustered markers (from the GeoJSON feed, with the page's
// filters) and the small map of one event. The pages work without them: the list is the content.
(function () {
  "use strict";

  var MAX_ZOOM = 18;

  function baseMap(element, options) {
    element.hidden = false;
    // maxZoom on the map itself: without a tile layer (an empty MAP_TILE_URL) nothing else sets
    // one, and marker clustering refuses a map without it.
    var map = window.L.map(
      element,
      Object.assign({ scrollWheelZoom: false, maxZoom: MAX_ZOOM }, options || {})
    );
    // Country outlines under everything (map-outlines.js): the map when no tiles load.
    if (window.mapOutlines) window.mapOutlines(map, element);
    var tiles = element.dataset.tileUrl;
    if (tiles) {
      // Tiles that cannot load leave the outlines; markers and the list still work. No tile URL
      // (an empty MAP_TILE_URL): no tile layer, no request elsewhere.
      window.L.tileLayer(tiles, {
        attribution: element.dataset.tileAttribution || "",
        maxZoom: MAX_ZOOM,
      }).addTo(map);
    }
    return map;
  }

  // Leaflet guesses its marker image's address from its CSS, which fails once static files have
  // hashed names: the page gives the addresses.
  function markerIcon(element) {
    return window.L.icon({
      iconUrl: element.dataset.iconUrl,
      iconRetinaUrl: element.dataset.iconRetinaUrl,
      shadowUrl: element.dataset.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41],
    });
  }

  function pageLanguage() {
    return document.documentElement.lang || [];
  }

  // The feed is the same for everyone (its links have no language prefix): on /de/events/ an
  // event's link gets the page's prefix, so the visitor stays in their language.
  function inPageLanguage(url) {
    var lang = document.documentElement.lang;
    if (!lang || window.location.pathname.indexOf("/" + lang + "/") !== 0) return url;
    var address = new URL(url, window.location.href);
    address.pathname = "/" + lang + address.pathname;
    return address.href;
  }

  function popup(feature, labels, targetBlank) {
    var p = feature.properties;
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = inPageLanguage(p.url);
    link.textContent = p.title;
    link.className = "event-popup-link fw-semibold";
    link.setAttribute("aria-label", labels.open ? labels.open + ": " + p.title : p.title);
    if (targetBlank) { link.target = "_blank"; link.rel = "noopener"; }
    var when = document.createElement("div");
    when.className = "small";
    // Dates in the page's language, not the browser's; the words come from the page (translated).
    when.textContent = new Date(p.starts_at).toLocaleString(pageLanguage(), {
      dateStyle: "medium", timeStyle: "short",
    }) + " · " + (p.delivery === "online" ? labels.online : p.town);
    box.appendChild(link);
    box.appendChild(when);
    // Held: so marked after its report, or over by this visitor's clock (the feed is cached).
    if (p.status === "held" || new Date(p.ends_at) < new Date()) {
      var held = document.createElement("span");
      held.className = "badge text-bg-secondary event-held";
      held.textContent = labels.held;
      box.appendChild(held);
    }
    return box;
  }

  function eventsMap(element) {
    var map = baseMap(element);
    map.setView([50.5, 10], 4);
    var cluster = window.L.markerClusterGroup
      ? window.L.markerClusterGroup({ showCoverageOnHover: false })
      : window.L.layerGroup();
    map.addLayer(cluster);
    var labels = {
      open: element.dataset.openLabel || "",
      online: element.dataset.onlineLabel || "",
      held: element.dataset.heldLabel || "Held",
    };
    var icon = markerIcon(element);
    var targetBlank = element.dataset.targetBlank === "1";
    fetch(element.dataset.geojson, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (collection) {
        var markers = [];
        collection.features.forEach(function (feature) {
          if (!feature.geometry) return;
          var c = feature.geometry.coordinates; // [longitude, latitude]
          var marker = window.L.marker([c[1], c[0]], {
            icon: icon, title: feature.properties.title, alt: feature.properties.title,
          });
          marker.bindPopup(popup(feature, labels, targetBlank));
          markers.push(marker);
        });
        if (cluster.addLayers) { cluster.addLayers(markers); } else { markers.forEach(function (m) { cluster.addLayer(m); }); }
        if (markers.length) map.fitBounds(window.L.featureGroup(markers).getBounds().pad(0.1), { maxZoom: 12 });
        element.dataset.loaded = String(markers.length);
      })
      .catch(function () { element.dataset.loaded = "error"; });
  }

  function eventMap(element) {
    var point = [Number(element.dataset.lat), Number(element.dataset.lon)];
    var map = baseMap(element);
    map.setView(point, 14);
    window.L.marker(point, { keyboard: false, icon: markerIcon(element) }).addTo(map);
  }

  function start() {
    if (!window.L) return;
    var many = document.getElementById("events-map");
    if (many) eventsMap(many);
    var one = document.getElementById("event-map");
    if (one) eventMap(one);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
