/* Coshore maps and small page behaviours for the directory. No build step, no dependencies
   beyond Leaflet (window.L) and htmx (window.htmx).

   - The search map ([data-search-map]): the list and the map update together. Moving the map
     asks the server for the list of that area through htmx (GET /spaces/results/?bbox=...);
     each swapped list carries its spaces as JSON (<script type="application/json">), from
     which the markers are redrawn. A marker opens the space card in a popup.
   - Static maps ([data-static-map]) on a space's and a network's page.
   - The location picker ([data-map-picker]) on the edit form.
   - The space autocomplete ([data-space-autocomplete]) over the JSON API.

   With no tile URL (or offline) the maps show markers on a plain background and say so. */
(function () {
  "use strict";

  var MARKER_SIZE = 26;

  // ---------- helpers ----------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function readJSON(node) {
    if (!node) return null;
    try {
      return JSON.parse(node.textContent || "null");
    } catch (e) {
      return null;
    }
  }

  function cardsIn(container) {
    var cards = [];
    container.querySelectorAll('script[type="application/json"]').forEach(function (node) {
      var data = readJSON(node);
      if (Array.isArray(data)) cards = cards.concat(data);
    });
    return cards;
  }

  function statusBadge(openNow) {
    if (openNow === true) return el("span", "badge badge-open", "Open now");
    if (openNow === false) return el("span", "badge badge-closed", "Closed now");
    return el("span", "badge badge-unknown", "Hours unknown");
  }

  // The popup "space card": built with textContent, since names come from open data.
  function popupContent(card) {
    var root = el("div", "popup-card");
    root.setAttribute("data-popup-slug", card.slug);
    root.appendChild(el("h3", null, card.name));
    if (card.address || card.city) root.appendChild(el("p", "muted", card.address || card.city));
    var meta = el("p", "row");
    meta.style.gap = "0.5rem";
    meta.appendChild(statusBadge(card.open_now));
    if (card.distance_km !== null && card.distance_km !== undefined) {
      meta.appendChild(el("span", "distance", Number(card.distance_km).toFixed(1) + " km"));
    }
    root.appendChild(meta);
    if (card.amenities && card.amenities.length) {
      var chips = el("ul", "chips");
      card.amenities.slice(0, 5).forEach(function (a) {
        chips.appendChild(el("li", "chip", a));
      });
      if (card.amenities.length > 5) chips.appendChild(el("li", "chip", "+" + (card.amenities.length - 5)));
      root.appendChild(chips);
    }
    if (card.url) {
      var link = el("a", "btn btn-primary btn-small", "View space");
      link.href = card.url;
      root.appendChild(link);
    }
    return root;
  }

  function markerIcon(card) {
    return L.divIcon({
      className: "space-marker" + (card.open_now === false ? " is-closed" : ""),
      html: "<span></span>",
      iconSize: [MARKER_SIZE, MARKER_SIZE],
      // the rotated square's tip sits half a diagonal below its centre
      iconAnchor: [MARKER_SIZE / 2, Math.round(MARKER_SIZE / 2 + (MARKER_SIZE * Math.SQRT2) / 2)],
      popupAnchor: [0, -MARKER_SIZE],
    });
  }

  function addBaseLayer(map, container) {
    var url = container.getAttribute("data-tile-url") || "";
    var wrap = container.parentElement;
    var note = wrap ? wrap.querySelector("[data-map-note]") : null;
    function offline(text) {
      container.classList.add("no-tiles");
      if (note) {
        note.textContent = text;
        note.hidden = false;
      }
    }
    if (!url) {
      offline("No map background configured");
      return;
    }
    var loaded = 0;
    var layer = L.tileLayer(url, {
      maxZoom: 19,
      attribution: container.getAttribute("data-tile-attribution") || "",
    });
    layer.on("tileload", function () {
      loaded += 1;
      container.classList.remove("no-tiles");
      if (note) note.hidden = true;
    });
    layer.on("tileerror", function () {
      if (!loaded) offline("Map background unavailable (offline)");
    });
    layer.addTo(map);
  }

  // A set of space markers keyed by slug; updating keeps the markers that stay, so an open
  // popup survives a list refresh.
  function MarkerSet(map, options) {
    this.map = map;
    this.layer = L.featureGroup().addTo(map);
    this.bySlug = {};
    this.options = options || {};
  }

  MarkerSet.prototype.set = function (cards) {
    var self = this;
    var keep = {};
    cards.forEach(function (card) {
      if (typeof card.lat !== "number" || typeof card.lon !== "number") return;
      keep[card.slug] = true;
      var existing = self.bySlug[card.slug];
      if (existing) {
        existing.setPopupContent(popupContent(card));
        return;
      }
      var marker = L.marker([card.lat, card.lon], {
        icon: markerIcon(card),
        title: card.name,
        alt: card.name,
        riseOnHover: true,
        keyboard: true,
      });
      marker.bindPopup(popupContent(card), { maxWidth: 300, minWidth: 220, autoPanPadding: [24, 24] });
      marker.slug = card.slug;
      if (self.options.onClick) {
        marker.on("click", function () {
          self.options.onClick(card.slug);
        });
      }
      marker.addTo(self.layer);
      self.bySlug[card.slug] = marker;
    });
    Object.keys(this.bySlug).forEach(function (slug) {
      if (!keep[slug]) {
        self.layer.removeLayer(self.bySlug[slug]);
        delete self.bySlug[slug];
      }
    });
  };

  MarkerSet.prototype.highlight = function (slug, on) {
    var marker = this.bySlug[slug];
    if (!marker) return;
    var node = marker.getElement();
    if (node) node.classList.toggle("is-active", !!on);
    marker.setZIndexOffset(on ? 1000 : 0);
  };

  MarkerSet.prototype.bounds = function () {
    var keys = Object.keys(this.bySlug);
    return keys.length ? this.layer.getBounds() : null;
  };

  MarkerSet.prototype.count = function () {
    return Object.keys(this.bySlug).length;
  };

  function fit(map, bounds, maxZoom) {
    if (!bounds || !bounds.isValid()) return false;
    map.fitBounds(bounds, { padding: [32, 32], maxZoom: maxZoom || 15, animate: false });
    return true;
  }

  function wrapLon(lon) {
    return L.Util.wrapNum(lon, [-180, 180], true);
  }

  function bboxOf(map) {
    var b = map.getBounds();
    var south = Math.max(-90, b.getSouth());
    var north = Math.min(90, b.getNorth());
    var west, east;
    if (b.getEast() - b.getWest() >= 360) {
      west = -180;
      east = 180;
    } else {
      west = wrapLon(b.getWest());
      east = wrapLon(b.getEast());
    }
    return [west, south, east, north]
      .map(function (v) {
        return v.toFixed(5);
      })
      .join(",");
  }

  function parseBbox(raw) {
    var parts = (raw || "").split(",").map(Number);
    if (parts.length !== 4 || parts.some(isNaN)) return null;
    var west = parts[0];
    var east = parts[2];
    if (east < west) east += 360; // crosses the antimeridian
    return L.latLngBounds([parts[1], west], [parts[3], east]);
  }

  // ---------- the search page ----------

  function initSearch(container) {
    var form = document.getElementById("search-form");
    var results = document.getElementById("results");
    if (!form || !results) return;
    var follow = document.querySelector("[data-follow-map]");
    var listPane = results.closest(".search-list");
    var inputs = form.elements;

    var map = L.map(container, { worldCopyJump: true, zoomSnap: 0.5 });
    container.__map = map;
    addBaseLayer(map, container);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');

    var markers = new MarkerSet(map, { onClick: activateCard });
    var pointLayer = L.layerGroup().addTo(map);
    var state = {
      programmatic: false,
      fitNext: false,
      mode: inputs.bbox.value ? "bbox" : "all",
      timer: null,
      syncQueued: false,
    };

    function quietly(fn) {
      state.programmatic = true;
      try {
        fn();
      } finally {
        state.programmatic = false;
      }
    }

    function hasPoint() {
      return inputs.lat.value !== "" && inputs.lon.value !== "";
    }

    function point() {
      return L.latLng(Number(inputs.lat.value), Number(inputs.lon.value));
    }

    function radiusKm() {
      var r = Number(inputs.radius_km.value);
      return r > 0 ? r : 0;
    }

    // computed from the point, not the drawn circle: that needs a map with a view already
    function circleBounds() {
      return point().toBounds(radiusKm() * 2000);
    }

    function drawPoint() {
      pointLayer.clearLayers();
      var chip = form.querySelector("[data-point-chip]");
      if (!hasPoint()) {
        if (chip) chip.hidden = true;
        return null;
      }
      if (chip) chip.hidden = false;
      var circle = null;
      if (radiusKm()) {
        circle = L.circle(point(), {
          radius: radiusKm() * 1000,
          color: "#4f46e5",
          weight: 1.5,
          dashArray: "5 5",
          fillColor: "#6366f1",
          fillOpacity: 0.06,
          interactive: false,
        }).addTo(pointLayer);
      }
      L.circleMarker(point(), {
        radius: 7,
        color: "#ffffff",
        weight: 3,
        fillColor: "#4f46e5",
        fillOpacity: 1,
        interactive: false,
      }).addTo(pointLayer);
      return circle;
    }

    function setPoint(lat, lon, label) {
      inputs.lat.value = lat.toFixed(5);
      inputs.lon.value = lon.toFixed(5);
      var text = form.querySelector("[data-point-label]");
      if (text) text.textContent = label;
    }

    function clearPoint() {
      inputs.lat.value = "";
      inputs.lon.value = "";
      inputs.radius_km.value = "";
    }

    function params(withBbox) {
      var p = new URLSearchParams();
      var openAt = inputs.open.value === "at";
      new FormData(form).forEach(function (value, key) {
        if (value === "" || key === "bbox" || key === "cursor") return;
        if (key === "open_at" && !openAt) return;
        p.append(key, value);
      });
      if (withBbox) p.set("bbox", bboxOf(map));
      return p;
    }

    function refresh(options) {
      options = options || {};
      clearTimeout(state.timer);
      state.mode = options.bbox ? "bbox" : "all";
      state.fitNext = !!options.fit;
      var p = params(options.bbox);
      inputs.bbox.value = p.get("bbox") || "";
      var qs = p.toString();
      history.replaceState(history.state, "", form.getAttribute("action") + (qs ? "?" + qs : ""));
      results.setAttribute("aria-busy", "true");
      return htmx.ajax("GET", form.getAttribute("data-results-url") + (qs ? "?" + qs : ""), {
        source: results,
        target: results,
        swap: "innerHTML",
      });
    }

    // a filter changed: keep the kind of search the list shows (this map area, or everywhere)
    function refilter() {
      var inArea = state.mode === "bbox";
      refresh({ bbox: inArea, fit: !inArea });
    }

    // show what was found (with the search point); the search circle only when nothing was
    function fitResults() {
      quietly(function () {
        var circle = drawPoint();
        if (markers.count()) {
          var b = markers.bounds();
          if (hasPoint()) b.extend(point());
          fit(map, b, 16);
        } else if (circle) {
          fit(map, circleBounds(), 16);
        } else if (hasPoint()) {
          map.setView(point(), 13, { animate: false });
        }
      });
    }

    function sync() {
      state.syncQueued = false;
      results.setAttribute("aria-busy", "false");
      markers.set(cardsIn(results));
      var count = results.querySelectorAll(".space-card").length;
      var counter = results.querySelector("[data-result-count]");
      if (counter) counter.textContent = String(count);
      if (state.fitNext) {
        state.fitNext = false;
        fitResults();
      }
    }

    function activateCard(slug) {
      results.querySelectorAll(".space-card.is-active").forEach(function (c) {
        c.classList.remove("is-active");
      });
      var card = results.querySelector('.space-card[data-slug="' + CSS.escape(slug) + '"]');
      if (!card) return;
      card.classList.add("is-active");
      // scroll the list pane only (side by side with the map), never the page
      if (listPane && getComputedStyle(listPane).overflowY === "auto") {
        var c = card.getBoundingClientRect();
        var p = listPane.getBoundingClientRect();
        var by = c.top < p.top ? c.top - p.top - 8 : c.bottom > p.bottom ? c.bottom - p.bottom + 8 : 0;
        if (by) listPane.scrollBy({ top: by, behavior: "smooth" });
      }
    }

    // first view: the box in the URL, else the search point, else the listed spaces
    markers.set(cardsIn(results));
    quietly(function () {
      var circle = drawPoint();
      var box = parseBbox(inputs.bbox.value);
      if (box && box.isValid()) {
        map.fitBounds(box, { animate: false });
      } else if (markers.count()) {
        var b = markers.bounds();
        if (hasPoint()) b.extend(point());
        fit(map, b, 16);
      } else if (circle) {
        fit(map, circleBounds(), 16);
      } else if (hasPoint()) {
        map.setView(point(), 13, { animate: false });
      } else {
        map.setView([30, 10], 2, { animate: false });
      }
    });

    map.on("moveend", function () {
      if (state.programmatic || (follow && !follow.checked)) return;
      clearTimeout(state.timer);
      state.timer = setTimeout(function () {
        refresh({ bbox: true });
      }, 250);
    });

    if (follow) {
      follow.addEventListener("change", function () {
        if (follow.checked) refresh({ bbox: true });
      });
    }

    document.body.addEventListener("htmx:afterSettle", function (evt) {
      if (evt.target !== results && !results.contains(evt.target)) return;
      if (state.syncQueued) return;
      state.syncQueued = true;
      // one redraw per swap, however many new elements settled
      window.requestAnimationFrame(sync);
    });

    form.addEventListener("submit", function (evt) {
      evt.preventDefault();
      refresh({ bbox: false, fit: true });
    });

    form.querySelectorAll('input[name="amenity"]').forEach(function (box) {
      box.addEventListener("change", function () {
        var n = form.querySelectorAll('input[name="amenity"]:checked').length;
        var badge = form.querySelector("[data-amenity-count]");
        if (badge) {
          badge.textContent = String(n);
          badge.hidden = !n;
        }
        refilter();
      });
    });

    inputs.specialty.addEventListener("change", refilter);

    var openAt = form.querySelector("[data-open-at]");
    inputs.open.addEventListener("change", function () {
      if (openAt) openAt.hidden = inputs.open.value !== "at";
      if (inputs.open.value !== "at" || inputs.open_at.value) refilter();
    });
    inputs.open_at.addEventListener("change", function () {
      if (inputs.open_at.value) refilter();
    });

    inputs.radius_km.addEventListener("change", function () {
      if (!hasPoint() && radiusKm()) {
        var c = map.getCenter();
        setPoint(c.lat, wrapLon(c.lng), "Near the map centre");
      }
      drawPoint();
      refresh({ bbox: false, fit: true });
    });

    var status = form.querySelector("[data-geo-status]");
    function say(text) {
      if (!status) return;
      status.textContent = text;
      status.hidden = !text;
    }

    var nearMe = form.querySelector("[data-near-me]");
    if (nearMe) {
      nearMe.addEventListener("click", function () {
        if (!navigator.geolocation) {
          say("This browser cannot share your location. Click the map to search near a place.");
          return;
        }
        say("Finding your location…");
        navigator.geolocation.getCurrentPosition(
          function (pos) {
            say("");
            setPoint(pos.coords.latitude, pos.coords.longitude, "Near you");
            if (!radiusKm()) inputs.radius_km.value = "10";
            drawPoint();
            refresh({ bbox: false, fit: true });
          },
          function () {
            say("Your location is not available. Click the map to search near a place instead.");
          },
          { timeout: 10000, maximumAge: 600000 }
        );
      });
    }

    var clear = form.querySelector("[data-clear-point]");
    if (clear) {
      clear.addEventListener("click", function () {
        clearPoint();
        drawPoint();
        refresh({ bbox: true });
      });
    }

    // "near a place": click anywhere on the map
    map.on("click", function (evt) {
      var button = el("button", "btn btn-primary btn-small", "Search near here");
      button.type = "button";
      var popup = L.popup({ autoPan: false, closeButton: true })
        .setLatLng(evt.latlng)
        .setContent(button)
        .openOn(map);
      button.addEventListener("click", function () {
        map.closePopup(popup);
        setPoint(evt.latlng.lat, wrapLon(evt.latlng.lng), "Near the chosen point");
        if (!radiusKm()) inputs.radius_km.value = "5";
        drawPoint();
        refresh({ bbox: false, fit: true });
      });
    });

    // the list and the markers point at each other
    results.addEventListener("mouseover", function (evt) {
      var card = evt.target.closest(".space-card");
      if (card) markers.highlight(card.getAttribute("data-slug"), true);
    });
    results.addEventListener("mouseout", function (evt) {
      var card = evt.target.closest(".space-card");
      if (card && !card.contains(evt.relatedTarget)) {
        markers.highlight(card.getAttribute("data-slug"), false);
      }
    });
    results.addEventListener("focusin", function (evt) {
      var card = evt.target.closest(".space-card");
      if (card) markers.highlight(card.getAttribute("data-slug"), true);
    });
    results.addEventListener("focusout", function (evt) {
      var card = evt.target.closest(".space-card");
      if (card) markers.highlight(card.getAttribute("data-slug"), false);
    });
  }

  // ---------- static maps (a space, a network) ----------

  function initStatic(container) {
    var cards = readJSON(document.getElementById(container.getAttribute("data-markers"))) || [];
    var map = L.map(container, { scrollWheelZoom: false, worldCopyJump: true });
    container.__map = map;
    addBaseLayer(map, container);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    var markers = new MarkerSet(map);
    markers.set(cards);
    if (cards.length === 1) {
      map.setView([cards[0].lat, cards[0].lon], 15, { animate: false });
    } else if (!fit(map, markers.bounds(), 14)) {
      map.setView([30, 10], 2, { animate: false });
    }
    // enable wheel zoom once the user has engaged with the map
    map.once("focus click", function () {
      map.scrollWheelZoom.enable();
    });
  }

  // ---------- the location picker on the edit form ----------

  function initPicker(container) {
    var lat = document.getElementById(container.getAttribute("data-lat-input"));
    var lon = document.getElementById(container.getAttribute("data-lon-input"));
    if (!lat || !lon) return;
    var start = L.latLng(Number(lat.value) || 0, Number(lon.value) || 0);
    var map = L.map(container, { scrollWheelZoom: false });
    container.__map = map;
    addBaseLayer(map, container);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    map.setView(start, lat.value ? 16 : 2, { animate: false });
    var marker = L.marker(start, {
      draggable: true,
      icon: markerIcon({}),
      title: "Drag to the entrance",
      keyboard: true,
    }).addTo(map);
    function write(latlng) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = wrapLon(latlng.lng).toFixed(6);
    }
    marker.on("dragend", function () {
      write(marker.getLatLng());
    });
    map.on("click", function (evt) {
      marker.setLatLng(evt.latlng);
      write(evt.latlng);
    });
    function read() {
      var a = Number(lat.value);
      var b = Number(lon.value);
      if (lat.value !== "" && lon.value !== "" && isFinite(a) && isFinite(b) && Math.abs(a) <= 90) {
        marker.setLatLng([a, b]);
        map.panTo([a, b], { animate: false });
      }
    }
    lat.addEventListener("change", read);
    lon.addEventListener("change", read);
  }

  // ---------- the space autocomplete (a <datalist> fed by the JSON API) ----------

  function initAutocomplete(input) {
    var list = document.getElementById(input.getAttribute("data-space-autocomplete"));
    var api = input.getAttribute("data-api-url");
    if (!list || !api || !window.fetch) return;
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      timer = setTimeout(function () {
        last = q;
        fetch(api + "?limit=8&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (response) {
            return response.ok ? response.json() : { items: [] };
          })
          .then(function (data) {
            list.textContent = "";
            (data.items || []).forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.slug;
              option.label = item.name + (item.city ? " · " + item.city : "");
              option.textContent = option.label;
              list.appendChild(option);
            });
          })
          .catch(function () {
            /* suggestions are a convenience; typing the slug still works */
          });
      }, 200);
    });
  }

  function init() {
    document.querySelectorAll("[data-space-autocomplete]").forEach(initAutocomplete);
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-search-map]").forEach(initSearch);
    document.querySelectorAll("[data-static-map]").forEach(initStatic);
    document.querySelectorAll("[data-map-picker]").forEach(initPicker);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
