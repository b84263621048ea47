// Coordinates are stored in WGS-84. Chinese map SDKs (AMap, Tencent) use GCJ-02, so the API
// takes and gives either, as the client asks with `crs`.
import gcoordModule from 'gcoord'

// gcoord is CommonJS whose types declare an ES default export; at run time the default import is
// the module itself.
const gcoord = gcoordModule as unknown as typeof gcoordModule.default

export type Crs = 'wgs84' | 'gcj02'

export interface LatLng {
  lat: number
  lng: number
}

export function toWgs84(point: LatLng, crs: Crs): LatLng {
  if (crs === 'wgs84') return point
  const [lng, lat] = gcoord.transform([point.lng, point.lat], gcoord.GCJ02, gcoord.WGS84)
  return { lat, lng }
}

export function fromWgs84(point: LatLng, crs: Crs): LatLng {
  if (crs === 'wgs84') return point
  const [lng, lat] = gcoord.transform([point.lng, point.lat], gcoord.WGS84, gcoord.GCJ02)
  return { lat: round(lat), lng: round(lng) }
}

/** A point on the unit sphere, as the generated column earth_point holds facilities (migration earth_point). */
export type EarthPoint = [number, number, number]

/**
 * The earth point of a search's position, computed once here, for the SQL and the read index alike:
 * both compare it with the facilities' stored earth_point, so their distances, orders and cursors
 * agree to the last bit. (The database's own earth_point_of differs from this engine's trigonometry
 * in the last bit for about one point in ten, and asking it cost a round trip for each new point.)
 */
export function earthPointOf(lat: number, lng: number): EarthPoint {
  const latitude = lat * (Math.PI / 180)
  const longitude = lng * (Math.PI / 180)
  return [Math.cos(latitude) * Math.cos(longitude), Math.cos(latitude) * Math.sin(longitude), Math.sin(latitude)]
}

/** Seven decimals is about a centimetre; more is noise from the transform. */
const round = (degrees: number) => Math.round(degrees * 1e7) / 1e7
