// The country outlines under every map: Natural Earth's countries (static/vendor/world-atlas/,
// TopoJSON read with static/vendor/topojson-client/). They give the map its sense of place while
// the tiles load, when they cannot load, and when tiles are switched off (an empty MAP_TILE_URL).
// Their pane sits under the tiles, which cover them once they load, and under the markers; the
// map's background is the sea. Used by events-map.js and venue-map.js: window.mapOutlines(map, el)
// with the element's data-outlines-url and data-outlines-attribution.
(function () {
  "use strict";

  var PANE = "outlines";
  // Leaflet's panes: tiles 200, overlays 400, shadows 500, markers 600, popups 700.
  var PANE_Z = 150;
  // Land and borders after OpenStreetMap's colours; the borders (coasts too) keep at least 3:1
  // against land and sea, so the shapes read without the fills (WCAG 1.4.11).
  var SEA = "#aad3df";
  var STYLE = {
    color: "#5c6a70",
    weight: 1,
    opacity: 1,
    fillColor: "#f2efe9",
    fillOpacity: 1,
  };
  var downloads = {}; // one download per page, however many maps

  function countries(url) {
    if (!downloads[url]) {
      downloads[url] = fetch(url).then(function (response) {
        if (!response.ok) throw new Error("outlines: " + response.status);
        return response.json();
      });
    }
    return downloads[url];
  }

  window.mapOutlines = function (map, element) {
    var url = element.dataset.outlinesUrl;
    map.getContainer().style.backgroundColor = SEA;
    if (!url || !window.topojson) return; // a plain sea: the markers and the list still work
    var pane = map.createPane(PANE);
    pane.style.zIndex = PANE_Z;
    countries(url)
      .then(function (topology) {
        var shapes = window.topojson.feature(topology, topology.objects.countries);
        window.L.geoJSON(shapes, {
          pane: PANE,
          interactive: false, // clicks reach the map: the venue map pins where one clicks
          style: STYLE,
          attribution: element.dataset.outlinesAttribution || "",
        }).addTo(map);
        element.dataset.outlines = String(shapes.features.length);
      })
      .catch(function () {
        element.dataset.outlines = "error";
      });
  };
})();
