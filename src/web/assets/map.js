// The map, over a list that works without it: shows the hidden map element and draws the places
// the page carries (data-place: data-lat, data-lng, data-precision), with Leaflet (served by the
// app, loaded before this script). An exact place is a dot; an approximate one is never a pin:
// a dashed circle, with the note that it is only the centre of its area. Texts come from the
// page (data-*) and go in as text, never as markup.
;(() => {
  const figure = document.querySelector('[data-map]')
  if (figure === null || typeof L === 'undefined') return
  const css = document.createElement('link')
  css.rel = 'stylesheet'
  css.href = figure.dataset.css
  document.head.append(css)
  figure.hidden = false

  const map = L.map(figure.querySelector('.map-canvas'), { zoomControl: false, scrollWheelZoom: false })
  L.control.zoom({ zoomInTitle: figure.dataset.zoomIn, zoomOutTitle: figure.dataset.zoomOut }).addTo(map)
  map.attributionControl.setPrefix(false)
  const credit = document.createElement('span')
  credit.textContent = figure.dataset.attribution
  L.tileLayer(figure.dataset.tiles, { attribution: credit.innerHTML, maxZoom: 18 }).addTo(map)

  /** A link to a place, for its popup. */
  const link = (name, href) => {
    const a = document.createElement('a')
    a.textContent = name
    a.href = href
    return a
  }
  const places = []
  if (figure.dataset.lat !== undefined) places.push({ element: figure, name: figure.dataset.name, href: null })
  for (const card of document.querySelectorAll('.card[data-place]')) {
    const anchor = card.querySelector('h3 a')
    places.push({ element: card, name: anchor.textContent, href: anchor.getAttribute('href') })
  }

  const radius = 1500
  const bounds = L.latLngBounds([])
  // Approximate places share their area's centre: one circle per centre, naming all of them.
  const approximate = new Map()
  for (const place of places) {
    const lat = Number(place.element.dataset.lat)
    const lng = Number(place.element.dataset.lng)
    const content = place.href === null ? document.createTextNode(place.name) : link(place.name, place.href)
    if (place.element.dataset.precision === 'exact') {
      bounds.extend([lat, lng])
      L.circleMarker([lat, lng], { radius: 8, color: '#0b0c0c', weight: 2, fillColor: '#1d4ed8', fillOpacity: 0.9 })
        .bindPopup(content)
        .addTo(map)
      continue
    }
    const key = `${lat},${lng}`
    if (!approximate.has(key)) approximate.set(key, { lat, lng, items: [] })
    approximate.get(key).items.push(content)
  }
  for (const { lat, lng, items } of approximate.values()) {
    const popup = document.createElement('div')
    const note = document.createElement('p')
    note.textContent = figure.dataset.approximate
    const list = document.createElement('ul')
    list.replaceChildren(
      ...items.map((item) => {
        const li = document.createElement('li')
        li.append(item)
        return li
      }),
    )
    popup.append(note, list)
    bounds.extend(L.latLng(lat, lng).toBounds(2 * radius))
    L.circle([lat, lng], { radius, color: '#484949', weight: 2, dashArray: '6 6', fillColor: '#484949', fillOpacity: 0.08 })
      .bindPopup(popup)
      .addTo(map)
  }

  // Where the distances are measured from: a ring, unlike any place.
  if (figure.dataset.originLat !== undefined) {
    const origin = [Number(figure.dataset.originLat), Number(figure.dataset.originLng)]
    bounds.extend(origin)
    L.circleMarker(origin, { radius: 7, color: '#0b0c0c', weight: 4, fillColor: '#ffffff', fillOpacity: 1, className: 'map-origin' })
      .bindPopup(document.createTextNode(figure.dataset.originLabel))
      .addTo(map)
  }

  map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 })
})()
