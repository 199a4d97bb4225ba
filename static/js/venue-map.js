// The map above the venue's latitude and longitude on the proposal form (events/_venue_map.html).
// - a click on the map, or dragging the pin, fills both fields and saves the section (autosave)
// - typing in the fields moves the pin; the fields stay the way in without JavaScript or tiles
// - the focused pin moves with the arrow keys, for those who use a keyboard
// - hidden while the event is online (the delivery radios of the "event" section)
// Settings come from data attributes: no inline script, nothing from a CDN.
(function () {
  "use strict";

  var PLACES = 5; // the model keeps five decimals (about a metre)
  var PIN_ZOOM = 15; // close enough to see the streets around a pinned venue
  var MAX_ZOOM = 19; // set on the map: without tiles (an empty MAP_TILE_URL) no layer sets one
  var NUDGE_PX = 10;
  var ARROWS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

  function parse(input, limit) {
    var text = input ? input.value.trim() : "";
    if (text === "") return null;
    var value = Number(text.replace(",", "."));
    return isFinite(value) && Math.abs(value) <= limit ? value : null;
  }

  function typedPosition(state) {
    var lat = parse(state.latInput, 90);
    var lng = parse(state.lngInput, 180);
    return lat === null || lng === null ? null : window.L.latLng(lat, lng);
  }

  function deliveryIsOnline(el) {
    var picked = document.querySelector(
      'input[name="' + el.dataset.deliveryName + '"]:checked'
    );
    return Boolean(picked && picked.value === "online");
  }

  // The section's autosave listens for "change" on its form; "input" marks it unsaved, so it is
  // also posted if the page is left at once (static/js/proposal-form.js).
  function announce(input) {
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function setFields(state, latlng) {
    var wrapped = latlng.wrap();
    state.latInput.value = wrapped.lat.toFixed(PLACES);
    state.lngInput.value = wrapped.lng.toFixed(PLACES);
    state.writing = true; // the pin is already there: do not pan after our own "input"
    try {
      announce(state.latInput);
      announce(state.lngInput);
    } finally {
      state.writing = false;
    }
  }

  function placePin(state, latlng) {
    if (state.marker) {
      state.marker.setLatLng(latlng);
      return;
    }
    var el = state.el;
    var icon = window.L.icon({
      iconUrl: el.dataset.iconUrl,
      iconRetinaUrl: el.dataset.iconRetinaUrl,
      shadowUrl: el.dataset.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      shadowSize: [41, 41],
    });
    var label = el.dataset.markerLabel;
    state.marker = window.L.marker(latlng, { draggable: true, icon: icon, alt: label, title: label });
    state.marker.addTo(state.map);
    state.marker.on("dragend", function () {
      setFields(state, state.marker.getLatLng());
    });
    state.marker.getElement().addEventListener("keydown", function (event) {
      nudge(state, event);
    });
  }

  function nudge(state, event) {
    var step = ARROWS[event.key];
    if (!step) return;
    event.preventDefault();
    event.stopPropagation(); // the map would pan instead
    // project/unproject, not the container point helpers: those round to whole pixels, which
    // would shift the other coordinate too.
    var zoom = state.map.getZoom();
    var point = state.map.project(state.marker.getLatLng(), zoom);
    var moved = state.map.unproject(
      point.add(window.L.point(step[0] * NUDGE_PX, step[1] * NUDGE_PX)),
      zoom
    );
    state.marker.setLatLng(moved);
    state.map.panInside(moved);
    setFields(state, moved);
  }

  function draw(state) {
    var el = state.el;
    var typed = typedPosition(state);
    var centre = typed || window.L.latLng(Number(el.dataset.lat), Number(el.dataset.lng));
    el.style.height = "18rem"; // Leaflet needs a height; a style attribute would break the CSP
    state.map = window.L.map(el, { scrollWheelZoom: false, maxZoom: MAX_ZOOM }).setView(
      centre,
      typed ? PIN_ZOOM : Number(el.dataset.zoom)
    );
    // Country outlines under the tiles (map-outlines.js): the map when no tiles load.
    if (window.mapOutlines) window.mapOutlines(state.map, el);
    if (el.dataset.tileUrl) addTiles(state); // none when MAP_TILE_URL is empty
    if (typed) placePin(state, typed);
    state.map.on("click", function (event) {
      placePin(state, event.latlng);
      setFields(state, event.latlng);
    });
  }

  function addTiles(state) {
    var el = state.el;
    var tiles = window.L.tileLayer(el.dataset.tileUrl, {
      attribution: el.dataset.tileAttribution,
      maxZoom: MAX_ZOOM,
    });
    // Tiles may be blocked or the tile server down: say so once; clicking and typing still work.
    tiles.once("tileerror", function () {
      var note = state.block.querySelector("[data-venue-map-offline]");
      if (note) note.hidden = false;
    });
    tiles.addTo(state.map);
  }

  function follow(state) {
    if (!state.map || state.writing) return;
    var typed = typedPosition(state);
    if (!typed) return;
    placePin(state, typed);
    state.map.panTo(typed);
  }

  function showOrHide(state) {
    var online = deliveryIsOnline(state.el);
    state.block.hidden = online;
    if (online) return;
    if (!state.map) {
      draw(state);
    } else {
      state.map.invalidateSize(); // it was drawn while hidden, or the page was resized meanwhile
    }
  }

  function setUp(el) {
    if (el.dataset.venueMapReady) return;
    el.dataset.venueMapReady = "1";
    var state = {
      el: el,
      block: el.closest("[data-venue-map-block]") || el,
      latInput: document.getElementById(el.dataset.latitudeInput),
      lngInput: document.getElementById(el.dataset.longitudeInput),
      map: null,
      marker: null,
      writing: false,
    };
    if (!state.latInput || !state.lngInput) return;
    [state.latInput, state.lngInput].forEach(function (input) {
      input.addEventListener("input", function () {
        follow(state);
      });
    });
    document.addEventListener("change", function (event) {
      var target = event.target;
      if (target.name === el.dataset.deliveryName && el.isConnected) showOrHide(state);
    });
    showOrHide(state);
  }

  function init(root) {
    if (!window.L) return; // Leaflet did not load: the fields alone do the job
    root.querySelectorAll("[data-venue-map]").forEach(setUp);
  }

  // An invalid save swaps the whole section, map included: draw the new one once htmx has settled
  // it (settling puts back the server's class and style of elements with an id, which would undo
  // Leaflet's). Maps already drawn are skipped.
  document.addEventListener("htmx:afterSettle", function () {
    init(document);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  } else {
    init(document);
  }
})();
