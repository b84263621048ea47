// The map on results and facility pages: an enhancement only. The page carries the places as
// data attributes (on the result cards, or on the map itself for one facility) and a hidden map
// element; the map script (assets/map.js, with Leaflet served by the app) shows it and draws
// them. Without JavaScript, or without tiles configured, nothing of the map is on the page.
import { fromWgs84 } from '../domain/geo.js'
import type { FacilityListItem } from '../facilities/schemas.js'
import { assets } from './assets.js'
import { html, type Html } from './html.js'
import { words, type Language } from './i18n.js'

/** Where the map's tiles come from (MAP_TILE_URL, MAP_TILE_ATTRIBUTION, MAP_TILES_GCJ02). */
export interface MapTiles {
  /** A template with {z}, {x}, {y} and optionally {s} (subdomains a, b, c). */
  url: string
  attribution: string
  /** The tiles are drawn in GCJ-02: places are shifted into it before they are drawn. */
  gcj02: boolean
}

/**
 * The source the Content-Security-Policy must allow images from: the template's origin, with
 * a {s} subdomain as a wildcard (https://{s}.tile.example.org → https://*.tile.example.org).
 */
export function tileSource(url: string): string {
  const origin = /^(https?:\/\/[^/?#]+)/.exec(url)?.[1] ?? ''
  return origin.replace(/\{s\}/g, '*')
}

type Located = Pick<FacilityListItem, 'location'>

/**
 * The data attributes of a place the map draws, in the tiles' coordinate system; nothing for
 * a place without a location. Only the map script reads them.
 */
export function placeAttributes(item: Located, tiles: MapTiles | undefined): Html | null {
  if (tiles === undefined || item.location === null) return null
  const { lat, lng } = fromWgs84({ lat: item.location.lat, lng: item.location.lng }, tiles.gcj02 ? 'gcj02' : 'wgs84')
  const precision = item.location.precision === 'exact' ? 'exact' : 'approximate'
  return html` data-place data-lat="${lat}" data-lng="${lng}" data-precision="${precision}"`
}

/** The point a results list is measured from: the browser's position, or a typed place's centre. */
export interface MapOrigin {
  lat: number
  lng: number
  label: string
}

/**
 * The map, hidden until the script shows it. `place` is the facility itself on its own page;
 * on a results page the cards carry the places, and `origin` is where distances are from.
 */
export function mapFigure(
  tiles: MapTiles | undefined,
  language: Language,
  places: Located[],
  place?: Located & { name: string },
  origin?: MapOrigin,
): Html | null {
  if (tiles === undefined || places.every((item) => item.location === null)) return null
  const w = words[language]
  const approximate = places.some((item) => item.location !== null && item.location.precision !== 'exact')
  const from = origin === undefined ? undefined : fromWgs84(origin, tiles.gcj02 ? 'gcj02' : 'wgs84')
  return html`<figure class="map" hidden data-map data-tiles="${tiles.url}" data-attribution="${tiles.attribution}" data-css="${assets.leafletCss.path}" data-zoom-in="${w.zoomIn}" data-zoom-out="${w.zoomOut}" data-approximate="${w.approximateArea}"${place === undefined ? null : html`${placeAttributes(place, tiles)} data-name="${place.name}"`}${
    origin === undefined || from === undefined
      ? null
      : html` data-origin-lat="${from.lat}" data-origin-lng="${from.lng}" data-origin-label="${origin.label}"`
  }>
<div class="map-canvas" role="region" aria-label="${w.mapLabel}"></div>
<figcaption class="hint">${approximate ? w.mapApproximateNote : w.mapNote}</figcaption>
</figure>`
}
