// What the map is given to draw: each place in the tiles' coordinate system (GCJ-02 tiles get
// places shifted from WGS-84, as the API's crs=gcj02 does), exact or approximate, and nothing
// without tiles; the policy's image source for a tile template.
import t from 'tap'
import { fromWgs84 } from '../../src/domain/geo.js'
import { mapFigure, placeAttributes, tileSource } from '../../src/web/map.js'

const exact = { location: { lat: 22.7, lng: 114.124, crs: 'WGS84' as const, precision: 'exact' as const, note: null } }
const approximate = { location: { ...exact.location, precision: 'approximate' as const } }
const tiles = { url: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png', attribution: '© Example', gcj02: false }

t.test('places in the coordinate system of the tiles', async (t) => {
  t.equal(String(placeAttributes(exact, tiles)), ' data-place data-lat="22.7" data-lng="114.124" data-precision="exact"')
  const shifted = fromWgs84({ lat: 22.7, lng: 114.124 }, 'gcj02')
  t.not(shifted.lat, 22.7, 'GCJ-02 differs from WGS-84 here')
  t.equal(
    String(placeAttributes(approximate, { ...tiles, gcj02: true })),
    ` data-place data-lat="${shifted.lat}" data-lng="${shifted.lng}" data-precision="approximate"`,
  )
  t.equal(placeAttributes(exact, undefined), null, 'no tiles: nothing for a map')
  t.equal(placeAttributes({ location: null }, tiles), null, 'no location: nothing to draw')
})

t.test('the map element: only with tiles and something to draw, hidden until its script shows it', async (t) => {
  t.equal(mapFigure(undefined, 'en', [exact]), null)
  t.equal(mapFigure(tiles, 'en', [{ location: null }]), null)
  const figure = String(mapFigure(tiles, 'en', [exact, approximate]))
  t.match(figure, /^<figure class="map" hidden data-map data-tiles="https:\/\/\{s\}\.tiles\.example\.org\/\{z\}\/\{x\}\/\{y\}\.png"/)
  t.match(figure, '<figcaption class="hint">A dashed circle is an approximate location')
  t.equal(tileSource(tiles.url), 'https://*.tiles.example.org')
})
