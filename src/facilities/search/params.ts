// The query parameters of the facility search, and their meaning as SearchFilters. What a schema
// can check (types, ranges, enums) it checks; what it cannot (a pair of numbers in one parameter,
// parameters that contradict each other) is checked here, with the same problem shape.
import { Type, type Static } from 'typebox'
import { ProblemError } from '../../http/problems.js'
import { toWgs84, type Crs } from '../../domain/geo.js'
import { AccessibilityFeature, FacilityCategory, FacilityStatus } from '../../generated/prisma/enums.js'
import { facilityFieldNames } from '../schemas.js'
import type { SearchFilters, Sort } from './query.js'
import { sorts } from './query.js'

export const maxQueryLength = 100
export const defaultRadius = 5_000
export const maxRadius = 50_000

const day = Type.String({ format: 'date', description: 'A day, YYYY-MM-DD.' })

/** Filters shared by the list, the facets and the exports. */
export const filterParameters = {
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: maxQueryLength,
      description: `Text: Chinese (华南), pinyin (huanan, "rong hu"), pinyin initials (hnyy) or English; small typos are tolerated. At most ${maxQueryLength} characters.`,
      examples: ['hnyy'],
    }),
  ),
  near: Type.Optional(
    Type.String({
      description: 'A point "lat,lng" to search around (in `crs`); results carry distanceMeters.',
      examples: ['22.6866,114.124'],
    }),
  ),
  radius: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: maxRadius,
      description: `Metres around \`near\`; default ${defaultRadius}, at most ${maxRadius}.`,
      examples: [2000],
    }),
  ),
  bbox: Type.Optional(
    Type.String({ description: 'A box "minLng,minLat,maxLng,maxLat" (in `crs`).', examples: ['114.0,22.6,114.2,22.75'] }),
  ),
  crs: Type.Enum(['wgs84', 'gcj02'], {
    default: 'wgs84',
    description: 'Coordinate system of `near`, `bbox` and of the locations returned. GCJ-02 is what Chinese map SDKs use.',
  }),
  category: Type.Optional(
    Type.Array(Type.Enum(FacilityCategory), {
      minItems: 1,
      style: 'form',
      explode: false,
      description: 'One or more categories, separated by commas (`category=kindergarten,childcare`); repeating the parameter works too.',
    }),
  ),
  status: Type.Optional(
    Type.Array(Type.Enum(FacilityStatus), {
      minItems: 1,
      style: 'form',
      explode: false,
      description: 'One or more statuses, separated by commas (`status=planned,under_construction`); repeating the parameter works too.',
    }),
  ),
  area: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'An area id (GET /v1/areas lists them): facilities in it or in any area within it.',
      examples: ['pinghu'],
    }),
  ),
  hasCapacity: Type.Optional(Type.Boolean({ description: 'Only facilities with places available (true) or without (false).' })),
  age: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 125,
      description:
        'Only facilities that publish the ages they serve and serve this age, in years (1.5 = 18 months): childcare for a 2-year-old is `category=childcare&age=2`.',
      examples: [2],
    }),
  ),
  accessibility: Type.Optional(
    Type.Array(Type.Enum(AccessibilityFeature), {
      description: 'Only facilities with every one of these features: repeat the parameter or separate with commas.',
      examples: [['step_free_entrance']],
    }),
  ),
  openNow: Type.Optional(Type.Boolean({ description: 'Only facilities open (true) or closed (false) at this moment.' })),
  openedAfter: Type.Optional({
    ...day,
    description: 'Opened on or after this day (the whole published opening period).',
    examples: ['2022-01-01'],
  }),
  openedBefore: Type.Optional({
    ...day,
    description: 'Opened before this day (the whole published opening period).',
    examples: ['2023-01-01'],
  }),
  openingBefore: Type.Optional({
    ...day,
    description: 'Not open yet and expected to open before this day: "2026-Q4" is before 2027-01-01, not before 2026-11-01.',
    examples: ['2027-01-01'],
  }),
  delayed: Type.Optional(Type.Boolean({ description: 'A milestone is later than first published (true) or not (false).' })),
  updatedSince: Type.Optional(
    Type.String({ format: 'date-time', description: 'Changed at or after this instant.', examples: ['2026-01-01T00:00:00+08:00'] }),
  ),
}

export const FacetQuery = Type.Object(filterParameters, { additionalProperties: false })

export const SearchQuery = Type.Object(
  {
    ...filterParameters,
    sort: Type.Optional(
      Type.Enum(sorts, {
        description:
          'relevance (with q), distance (with near), name (pinyin order), openingDate, updatedAt (newest first). ' +
          'Default: relevance with q, else distance with near, else creation order.',
      }),
    ),
    view: Type.Enum(['summary', 'full'], { default: 'summary', description: 'The compact list item or the full record.' }),
    fields: Type.Optional(
      Type.Array(Type.Enum(facilityFieldNames), {
        minItems: 1,
        style: 'form',
        explode: false,
        description:
          'Only these fields of each item (and its `id`), any of the full record, comma-separated: `fields=name,location,openNow`. ' +
          'Replaces the view. GeoJSON takes them as the properties (the point is always there); CSV always has every import column.',
        examples: [['name', 'location', 'openNow']],
      }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size, 1–100.', examples: [20] }),
    cursor: Type.Optional(
      Type.String({
        maxLength: 1000,
        description: 'The `nextCursor` of the previous page, to get the next one: opaque, and valid only with the same filters.',
      }),
    ),
  },
  { additionalProperties: false },
)

export type FacetQuery = Static<typeof FacetQuery>
export type SearchQuery = Static<typeof SearchQuery>

/** Parameters that may hold several values, as repeats or comma-separated. */
export const multiValued = ['category', 'status', 'accessibility', 'fields'] as const

const invalid = (name: string, message: string) =>
  new ProblemError('validation_failed', `Invalid query parameter: ${name}`, [{ in: 'query', name, message }])

function numbers(name: string, text: string, count: number, format: string): number[] {
  const parts = text.split(',').map((part) => part.trim())
  const values = parts.map((part) => (/^-?\d+(\.\d+)?$/.test(part) ? Number(part) : Number.NaN))
  if (parts.length !== count || values.some((value) => !Number.isFinite(value))) {
    throw invalid(name, `must be ${count} numbers "${format}"`)
  }
  return values
}

function checkLatLng(name: string, lat: number, lng: number) {
  if (lat < -90 || lat > 90) throw invalid(name, `latitude ${lat} is outside -90..90`)
  if (lng < -180 || lng > 180) throw invalid(name, `longitude ${lng} is outside -180..180`)
}

export function parseFilters(query: FacetQuery): SearchFilters & { crs: Crs } {
  const crs = query.crs
  const filters: SearchFilters & { crs: Crs } = { crs }
  if (query.q !== undefined) {
    if (query.q.trim() === '') throw invalid('q', 'must contain something other than spaces')
    filters.q = query.q
  }
  if (query.near !== undefined) {
    const [lat = 0, lng = 0] = numbers('near', query.near, 2, 'lat,lng')
    checkLatLng('near', lat, lng)
    filters.near = { ...toWgs84({ lat, lng }, crs), radius: query.radius ?? defaultRadius }
  } else if (query.radius !== undefined) {
    throw invalid('radius', 'needs `near`')
  }
  if (query.bbox !== undefined) {
    const [minLng = 0, minLat = 0, maxLng = 0, maxLat = 0] = numbers('bbox', query.bbox, 4, 'minLng,minLat,maxLng,maxLat')
    checkLatLng('bbox', minLat, minLng)
    checkLatLng('bbox', maxLat, maxLng)
    if (minLng > maxLng || minLat > maxLat) throw invalid('bbox', 'the minimum corner must be south-west of the maximum corner')
    const min = toWgs84({ lat: minLat, lng: minLng }, crs)
    const max = toWgs84({ lat: maxLat, lng: maxLng }, crs)
    filters.bbox = { minLng: min.lng, minLat: min.lat, maxLng: max.lng, maxLat: max.lat }
  }
  if (query.category !== undefined) filters.categories = query.category
  if (query.status !== undefined) filters.statuses = query.status
  if (query.area !== undefined) filters.area = query.area
  if (query.hasCapacity !== undefined) filters.hasCapacity = query.hasCapacity
  if (query.age !== undefined) filters.ageMonths = Math.floor(query.age * 12)
  if (query.accessibility !== undefined) filters.accessibility = query.accessibility
  if (query.openedAfter !== undefined) filters.openedAfter = query.openedAfter
  if (query.openedBefore !== undefined) filters.openedBefore = query.openedBefore
  if (query.openingBefore !== undefined) filters.openingBefore = query.openingBefore
  if (query.delayed !== undefined) filters.delayed = query.delayed
  if (query.updatedSince !== undefined) filters.updatedSince = new Date(query.updatedSince)
  return filters
}

export function parseSort(query: Pick<SearchQuery, 'sort'>, filters: SearchFilters): Sort {
  if (query.sort === 'distance' && filters.near === undefined) throw invalid('sort', '`sort=distance` needs `near`')
  if (query.sort === 'relevance' && filters.q === undefined) throw invalid('sort', '`sort=relevance` needs `q`')
  return query.sort ?? (filters.q !== undefined ? 'relevance' : filters.near !== undefined ? 'distance' : 'created')
}
