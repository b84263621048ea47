// The representations of a list of facilities besides JSON: GeoJSON for maps and CSV for
// spreadsheets, and which one a request asks for.
import fastJson from 'fast-json-stringify'
import { Type } from 'typebox'
import { Facility, FacilitySummary, Nullable } from '../../facilities/schemas.js'
import { negotiateMediaType } from '../../http/negotiation.js'
import { ProblemError } from '../../http/problems.js'

const Page = Type.Object({
  limit: Type.Integer({ description: 'The page size asked for.' }),
  nextCursor: Nullable(Type.String(), { description: 'Cursor of the next page; null on the last page.' }),
})

export const FacilityPage = Type.Object({
  data: Type.Array(Type.Union([Type.Ref('Facility'), Type.Ref('FacilitySummary')]), {
    description: 'List items (`view=summary`) or full records (`view=full`).',
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

export function geoJsonOf(items: FacilitySummary[], page: { limit: number; nextCursor: string | null }) {
  return {
    type: 'FeatureCollection' as const,
    features: items.map(({ location, ...properties }) => ({
      type: 'Feature' as const,
      id: properties.id,
      geometry: location === null ? null : { type: 'Point' as const, coordinates: [location.lng, location.lat] },
      properties: { ...properties, ...(location === null ? {} : { locationPrecision: location.precision, crs: location.crs }) },
    })),
    page,
  }
}
