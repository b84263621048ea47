// The HSDS 3.0 objects Linli serves, as route schemas: each is the subset of the standard's own
// schema (openreferral/specification, schema/*.json) that Linli fills, with the same field names,
// types and required fields. HSDS has no nulls: a field Linli does not know is left out.
// The tests check every answer against the standard's schemas themselves (test/fixtures/hsds).
import { Type, type Static, type TSchema } from 'typebox'

const Uuid = Type.String({ format: 'uuid' })
const text = (description: string) => Type.Optional(Type.String({ description }))

export const HsdsTaxonomy = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    description: Type.String(),
    version: Type.Optional(Type.String()),
  },
  { $id: 'HsdsTaxonomy', description: 'HSDS taxonomy: the vocabulary terms come from.' },
)

export const HsdsTaxonomyTerm = Type.Object(
  {
    id: Uuid,
    code: Type.String({ description: 'The Linli category (`kindergarten`, …).' }),
    name: Type.String({ description: 'In the response language.' }),
    description: Type.String(),
    taxonomy: Type.String({ description: 'The name of the taxonomy.' }),
    taxonomy_id: Uuid,
    language: Type.Enum(['zh', 'en'], { description: 'ISO 639-1 code of name and description.' }),
    taxonomy_detail: Type.Optional(Type.Ref('HsdsTaxonomy')),
  },
  { $id: 'HsdsTaxonomyTerm', description: 'HSDS taxonomy term: a Linli category of services.' },
)

const Attribute = Type.Object({
  id: Uuid,
  link_id: Uuid,
  link_type: Type.String(),
  link_entity: Type.String(),
  taxonomy_term_id: Uuid,
  taxonomy_term: Type.Ref('HsdsTaxonomyTerm'),
})

const Schedule = Type.Object({
  id: Uuid,
  service_id: Uuid,
  timezone: Type.Number({ description: 'UTC offset in hours of the facility time zone (Asia/Shanghai: 8).' }),
  freq: Type.Literal('WEEKLY'),
  wkst: Type.Literal('MO'),
  byday: Type.String({ examples: ['MO,TU,WE,TH,FR'] }),
  opens_at: Type.String({ examples: ['08:00+08:00'] }),
  closes_at: Type.String({ examples: ['17:30+08:00'] }),
  description: Type.String(),
  notes: text('The opening hours as Linli keeps them (OpenStreetMap opening_hours syntax).'),
})

const Phone = Type.Object({ id: Uuid, service_id: Uuid, number: Type.String() })

const Accessibility = Type.Object({
  id: Uuid,
  location_id: Uuid,
  description: Type.String({ description: 'The feature, in the response language.' }),
  details: Type.String({ description: 'Its code in the Linli vocabulary (`step_free_entrance`, …).' }),
})

export const HsdsLocation = Type.Object(
  {
    id: Uuid,
    location_type: Type.Literal('physical'),
    organization_id: Uuid,
    name: Type.String(),
    alternate_name: text('The name in the other language.'),
    description: text('The address and, for a place not known exactly, what is known of where it is.'),
    latitude: Type.Optional(Type.Number({ description: 'WGS-84; only when the site is known exactly.' })),
    longitude: Type.Optional(Type.Number({ description: 'WGS-84; only when the site is known exactly.' })),
    external_identifier: text("The id in the data owner's own system."),
    external_identifier_type: text('What external_identifier is.'),
    accessibility: Type.Array(Accessibility),
  },
  { $id: 'HsdsLocation', description: 'HSDS location: where the facility is.' },
)

export const HsdsOrganization = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    alternate_name: text('The name in the other language.'),
    description: Type.String(),
    website: Type.Optional(Type.String({ format: 'uri' })),
  },
  { $id: 'HsdsOrganization', description: 'HSDS organization: the facility as the body that runs its service.' },
)

const ServiceAtLocationOfService = Type.Object({
  id: Uuid,
  service_id: Uuid,
  location_id: Uuid,
  location: Type.Ref('HsdsLocation'),
})

export const HsdsService = Type.Object(
  {
    id: Uuid,
    organization_id: Uuid,
    name: Type.String({ description: 'In the response language.' }),
    alternate_name: text('The name in the other language.'),
    description: text('In the response language.'),
    url: Type.Optional(Type.String({ format: 'uri' })),
    status: Type.Enum(['active', 'inactive', 'defunct', 'temporarily closed'], {
      description:
        'operational → active; temporarily_closed → temporarily closed; permanently_closed → defunct; planned, under_construction → inactive.',
    }),
    eligibility_description: text('Ages served, in words.'),
    minimum_age: Type.Optional(Type.Number({ description: 'Years (months / 12).' })),
    maximum_age: Type.Optional(Type.Number({ description: 'Years (months / 12).' })),
    assured_date: Type.Optional(Type.String({ format: 'date', description: 'When staff last verified the record.' })),
    alert: text('For a service not active: its Linli status and, when known, its expected opening.'),
    last_modified: Type.String({ format: 'date-time' }),
    organization: Type.Ref('HsdsOrganization'),
    phones: Type.Optional(Type.Array(Phone)),
    schedules: Type.Optional(Type.Array(Schedule)),
    service_at_locations: Type.Optional(Type.Array(ServiceAtLocationOfService)),
    attributes: Type.Optional(Type.Array(Attribute)),
  },
  {
    $id: 'HsdsService',
    description:
      'HSDS service. In lists, only its own fields and its organization; in full (GET /hsds/services/{id}, or `full=true`), ' +
      'also phones, schedules, service_at_locations (with the location) and attributes (the category).',
  },
)

export const HsdsServiceAtLocation = Type.Object(
  {
    id: Uuid,
    service_id: Uuid,
    location_id: Uuid,
    location: Type.Ref('HsdsLocation'),
    service: Type.Ref('HsdsService'),
  },
  { $id: 'HsdsServiceAtLocation', description: 'HSDS service at location: the service and the place it is given.' },
)

export type HsdsTaxonomy = Static<typeof HsdsTaxonomy>
export type HsdsTaxonomyTerm = Static<typeof HsdsTaxonomyTerm>
export type HsdsLocation = Static<typeof HsdsLocation>
export type HsdsOrganization = Static<typeof HsdsOrganization>
export type HsdsService = Static<typeof HsdsService>
export type HsdsServiceAtLocation = Static<typeof HsdsServiceAtLocation>
export type HsdsSchedule = Static<typeof Schedule>

/** Schemas with an $id, registered once so the OpenAPI document names them. */
export const hsdsSharedSchemas = [HsdsTaxonomy, HsdsTaxonomyTerm, HsdsLocation, HsdsOrganization, HsdsService, HsdsServiceAtLocation]

/** HSDS's `Page` (openapi.json, components/schemas/Page) around a list of `contents`. */
export function HsdsPage(item: TSchema, description: string) {
  return Type.Object(
    {
      total_items: Type.Integer({ description: 'Items matching the query, on all pages.' }),
      total_pages: Type.Integer(),
      page_number: Type.Integer({ description: 'This page, counting from 1.' }),
      size: Type.Integer({ description: 'Items on this page.' }),
      first_page: Type.Boolean(),
      last_page: Type.Boolean(),
      empty: Type.Boolean({ description: 'Whether this page has no items.' }),
      contents: Type.Array(item),
    },
    { description },
  )
}

export const maxPerPage = 200

export const pagingParameters = {
  page: Type.Integer({ minimum: 1, default: 1, description: 'Page number, from 1.' }),
  per_page: Type.Integer({ minimum: 1, maximum: maxPerPage, default: 50, description: `Items a page; at most ${maxPerPage}.` }),
  format: Type.Enum(['json'], {
    default: 'json',
    description: 'Only `json` (HSDS also names `ndjson`; Linli streams NDJSON at /v1/facilities/export.ndjson).',
  }),
}

export const searchParameter = {
  search: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Text in the name: Chinese, pinyin, pinyin initials or English, as `q` of GET /v1/facilities.',
    }),
  ),
}

export const facilityFilterParameters = {
  ...searchParameter,
  modified_after: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'Only what changed at or after this instant (RFC 3339).',
      examples: ['2026-11-01T00:00:00Z'],
    }),
  ),
  taxonomy_term_id: Type.Optional(Type.String({ description: 'Only services with this term (a category).' })),
  taxonomy_id: Type.Optional(Type.String({ description: 'Only services with a term of this taxonomy.' })),
  organization_id: Type.Optional(Type.String({ description: 'Only the service(s) of this organization.' })),
}
