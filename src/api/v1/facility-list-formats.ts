// The representations of a list of facilities besides JSON: GeoJSON for maps and CSV for
// spreadsheets, and which one a request asks for.
import fastJson from 'fast-json-stringify'
import { Type } from 'typebox'
import { Facility, FacilityFields, type FacilityListItem, FacilitySummary, Nullable } from '../../facilities/schemas.js'
import { negotiateMediaType } from '../../http/negotiation.js'
import { ProblemError } from '../../http/problems.js'

const Page = Type.Object({
  limit: Type.Integer({ description: 'The page size asked for.' }),
  nextCursor: Nullable(Type.String(), { description: 'Cursor of the next page; null on the last page.' }),
})

export const FacilityPage = Type.Object({
  data: Type.Array(Type.Union([Type.Ref('Facility'), Type.Ref('FacilitySummary'), Type.Ref('FacilityFields')]), {
    description: 'List items (`view=summary`), full records (`view=full`), or the fields asked for (`fields`).',
  }),
  page: Page,
})

/**
 * The JSON page of each view, serialized by a schema of its own: the document's anyOf of the two
 * views makes the serializer validate every item against each of them first (a fifth of a
 * search's CPU); the route knows which view it answers.
 */
export const pageSerializers = {
  summary: fastJson(Type.Object({ data: Type.Array(FacilitySummary), page: Page })),
  full: fastJson(Type.Object({ data: Type.Array(Facility), page: Page })),
  fields: fastJson(Type.Object({ data: Type.Array(FacilityFields), page: Page })),
}

/** A list item with only the named fields (the others are not sent). */
export function pickFields<Item extends object>(item: Item, fields: readonly string[]): Partial<Item> {
  const picked: Partial<Item> = {}
  for (const field of fields) {
    if (field in item) picked[field as keyof Item] = item[field as keyof Item]
  }
  return picked
}

export const FacilityFeatureCollection = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(
      Type.Object({
        type: Type.Literal('Feature'),
        id: Type.String(),
        geometry: Nullable(
          Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }) }),
        ),
        properties: Type.Object({}, { additionalProperties: true }),
      }),
    ),
    page: Page,
  },
  { description: 'GeoJSON (RFC 7946). Coordinates are [lng, lat] in `crs`; properties are the list item.' },
)

const formats = { 'application/json': 'json', 'application/geo+json': 'geojson', 'text/csv': 'csv' } as const
type MediaType = keyof typeof formats

/** The representation the client prefers (Accept), JSON when it does not say. */
export function negotiateListFormat(accept: string | undefined): (typeof formats)[MediaType] {
  const mediaType = negotiateMediaType(accept, Object.keys(formats) as MediaType[])
  if (mediaType === undefined) {
    throw new ProblemError('not_acceptable', 'This endpoint answers application/json, application/geo+json or text/csv')
  }
  return formats[mediaType]
}

/**
 * A page as GeoJSON: each feature's point is the item's location, whether or not `fields` asks for
 * it (a map needs it); its properties are the item's fields (all of them when `fields` is undefined).
 */
export function geoJsonOf(items: FacilityListItem[], page: { limit: number; nextCursor: string | null }, fields?: readonly string[]) {
  return {
    type: 'FeatureCollection' as const,
    features: items.map((item) => {
      const { location, ...properties } = fields === undefined ? item : { ...pickFields(item, fields), location: item.location }
      return {
        type: 'Feature' as const,
        id: item.id,
        geometry: location === null ? null : { type: 'Point' as const, coordinates: [location.lng, location.lat] },
        properties: { ...properties, ...(location === null ? {} : { locationPrecision: location.precision, crs: location.crs }) },
      }
    }),
    page,
  }
}
