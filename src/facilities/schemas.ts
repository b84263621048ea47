// API and input schemas for facilities. TypeScript types are derived from them (Static), so a
// schema and its type cannot drift apart. `$id`s give the OpenAPI document stable names.
import { Type, type Static, type TSchema } from 'typebox'
import {
  AccessibilityFeature,
  CapacityUnit,
  DateBasis,
  DatePrecision,
  ElderCareTier,
  FacilityCategory,
  FacilityStatus,
  LocationPrecision,
  Milestone,
} from '../generated/prisma/enums.js'

const enumOf = <T extends Record<string, string>>(values: T, options: { description?: string } = {}) => Type.Enum(values, options)

export const Category = enumOf(FacilityCategory, {
  description: 'What the facility is. Hospitals … markets follow the service lifecycle; roads … buildings the project lifecycle.',
})
export const Status = enumOf(FacilityStatus, {
  description:
    'Services: planned → under_construction → operational ⇄ temporarily_closed → permanently_closed. ' +
    'Projects: planned → in_preparation → launched (started; preparation or construction not reported) → under_construction ⇄ suspended → completed → in_service; cancelled.',
})
export const Milestones = Object.values(Milestone)
export const DateBases = Object.values(DateBasis)

const Edtf = Type.String({
  minLength: 4,
  maxLength: 40,
  description: 'EDTF date: YYYY, YYYY-MM, YYYY-MM-DD, YYYY-33..36 (quarter), YYYY-40/41 (half-year), or A/B',
  examples: ['2022-05', '2026-36'],
})

const Bilingual = (options: { maxLength: number }) =>
  Type.Object(
    {
      zh: Type.String({ minLength: 1, maxLength: options.maxLength }),
      en: Type.Optional(Type.String({ minLength: 1, maxLength: options.maxLength })),
    },
    { additionalProperties: false },
  )

const DateInput = Type.Object({ edtf: Edtf, text: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false })
const MilestoneInput = Type.Object(Object.fromEntries(DateBases.map((basis) => [basis, Type.Optional(DateInput)])), {
  additionalProperties: false,
})

export const provenanceBases = ['source', 'summary', 'translation', 'descriptive', 'inferred', 'staff'] as const

/** Where one field's value comes from. */
export const ProvenanceEntry = Type.Object(
  {
    field: Type.String({
      pattern: '^(/[^/]+)+$',
      maxLength: 200,
      description: 'A JSON Pointer into the facility as written (FacilityInput): /name/zh, /name/en, /aliases/0, /status, /location …',
      examples: ['/name/en'],
    }),
    basis: Type.Enum(provenanceBases, {
      description:
        'source: the value is in the quoted sentence of the source; summary: written by the editors from the cited sentences; ' +
        'translation: translated from the Chinese (English names); descriptive: a description where the source gives no name; ' +
        'inferred: read from the source but not said in these words (see note); staff: entered or verified by staff (by, at).',
    }),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A source id, with basis source.' })),
    quote: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'The sentence of the source, verbatim.' })),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    by: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Who entered or verified it (basis staff).' })),
    at: Type.Optional(Type.String({ format: 'date-time', description: 'When it was entered or verified (basis staff).' })),
  },
  { additionalProperties: false },
)
export type ProvenanceEntry = Static<typeof ProvenanceEntry>

/**
 * A facility as staff and the seed data write it. It is also the shape of the change log: history
 * and the change feed name these top-level fields, and replaying them rebuilds this document.
 */
export const FacilityInput = Type.Object(
  {
    slug: Type.String({
      pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
      maxLength: 100,
      description: 'Stable human-readable key: lower-case letters, digits and hyphens.',
    }),
    externalId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: "The id in the data owner's own system; imports match on it." }),
    ),
    category: enumOf(FacilityCategory),
    name: Bilingual({ maxLength: 200 }),
    aliases: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 20 })),
    description: Type.Optional(Bilingual({ maxLength: 2000 })),
    area: Type.String({ minLength: 1, description: 'An area id (GET /v1/areas).' }),
    address: Type.Optional(Bilingual({ maxLength: 300 })),
    status: enumOf(FacilityStatus),
    statusEffective: Type.Optional(Edtf),
    elderCareTier: Type.Optional(enumOf(ElderCareTier)),
    ageRange: Type.Optional(
      Type.Object(
        {
          minMonths: Type.Optional(Type.Integer({ minimum: 0, maximum: 1500 })),
          maxMonths: Type.Optional(Type.Integer({ minimum: 0, maximum: 1500 })),
        },
        { additionalProperties: false, description: 'Ages served, in months (kindergartens, childcare).' },
      ),
    ),
    location: Type.Optional(
      Type.Object(
        {
          lat: Type.Number({ minimum: -90, maximum: 90 }),
          lng: Type.Number({ minimum: -180, maximum: 180 }),
          precision: enumOf(LocationPrecision),
          note: Type.Optional(
            Type.Union([Bilingual({ maxLength: 500 }), Type.String({ minLength: 1, maxLength: 500 })], {
              description:
                'Why the point is approximate: `{zh, en}`, or one text (filed as Chinese when it has Han characters, as English otherwise).',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    accessibility: Type.Optional(Type.Array(enumOf(AccessibilityFeature), { uniqueItems: true })),
    openingHours: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    phone: Type.Optional(Type.String({ maxLength: 40 })),
    website: Type.Optional(Type.String({ format: 'uri', maxLength: 500 })),
    capacity: Type.Optional(
      Type.Array(
        Type.Object(
          {
            unit: enumOf(CapacityUnit),
            total: Type.Optional(Type.Integer({ minimum: 0 })),
            available: Type.Optional(Type.Integer({ minimum: 0 })),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    dates: Type.Optional(
      Type.Object(Object.fromEntries(Milestones.map((m) => [m, Type.Optional(MilestoneInput)])), {
        additionalProperties: false,
      }),
    ),
    attributes: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), {
        maxProperties: 100,
        description: 'Free-form facts without a field of their own: at most 100 keys, 16 KB as JSON, nested at most 16 deep.',
      }),
    ),
    citations: Type.Optional(
      Type.Array(
        Type.Object(
          { source: Type.String({ minLength: 1 }), quote: Type.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
      ),
    ),
    provenance: Type.Optional(
      Type.Array(ProvenanceEntry, {
        maxItems: 200,
        description:
          "Where each field's value comes from. A field changed by staff without an entry of its own is recorded as basis staff.",
      }),
    ),
  },
  { additionalProperties: false, $id: 'FacilityInput' },
)
export type FacilityInput = Static<typeof FacilityInput>

type JsonSchema = { type?: unknown; properties?: Record<string, JsonSchema>; required?: string[]; [keyword: string]: unknown }

/** A schema as a JSON Merge Patch (RFC 7396) of it: every property optional and nullable, objects patched in turn. */
function mergePatchOf(schema: JsonSchema): JsonSchema {
  if (schema.type !== 'object' || schema.properties === undefined) return schema
  const { required: _required, properties, ...rest } = schema
  return {
    ...rest,
    properties: Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [name, { anyOf: [mergePatchOf(property), { type: 'null' }] }]),
    ),
  }
}

/**
 * What a PATCH of a facility may hold, typed for clients generated from the OpenAPI document:
 * FacilityInput as a merge patch (fields given replace, null removes, objects merge). The server
 * checks the merged facility as a whole (with the errors a create gets), so this schema only
 * describes the body; the route validates its top-level field names.
 */
export const FacilityMergePatch = {
  ...mergePatchOf(JSON.parse(JSON.stringify(FacilityInput)) as JsonSchema),
  $id: undefined,
  description:
    'JSON Merge Patch (RFC 7396) of a FacilityInput: fields given replace, null removes, objects merge, arrays are replaced ' +
    'whole. The status is changed with a status change, not here.',
}

// ---------------------------------------------------------------- responses

/**
 * A value or null, as `type: [T, "null"]` rather than `anyOf: [T, null]`: the same to a client,
 * but the response serializer (fast-json-stringify) settles an anyOf by validating the value
 * against each branch, formats included — an eighth of a text search's CPU, for 20 list items.
 * Takes a schema with a single `type`, or an `enum`.
 */
export function Nullable<T extends TSchema>(schema: T, options: { description?: string } = {}) {
  const { type, enum: values, ...rest } = schema as TSchema & { type?: string; enum?: unknown[] }
  const nullable = values !== undefined ? { ...rest, type: ['string', 'null'], enum: [...values, null] } : { ...rest, type: [type, 'null'] }
  return Type.Unsafe<Static<T> | null>({ ...nullable, ...options })
}

export const LocalizedText = Type.Object(
  { 'zh-Hans': Type.String(), en: Nullable(Type.String()) },
  { description: 'Text in Simplified Chinese and, where known, English.' },
)

export const UncertainDate = Type.Object(
  {
    edtf: Type.String({ description: 'The date as published, in EDTF (2022-05, 2026-36 = Q4 2026, 2020/2022).' }),
    precision: enumOf(DatePrecision),
    earliest: Type.String({ format: 'date', description: 'First day the date covers.' }),
    latest: Type.String({ format: 'date', description: 'Last day the date covers.' }),
  },
  {},
)

const SourcedDate = Type.Object({
  ...UncertainDate.properties,
  sourceText: Nullable(Type.String({ description: "The source's own words for the date." })),
})

export const MilestoneDates = Type.Object(
  {
    planned: Type.Optional(SourcedDate),
    expected: Type.Optional(SourcedDate),
    actual: Type.Optional(SourcedDate),
    delayed: Nullable(
      Type.Boolean({
        description:
          'Whether the actual (or else expected) date ends later than the first published (planned) one; null without a planned date.',
      }),
    ),
  },
  {},
)

const FacilityDates = Type.Object({
  constructionStart: Type.Optional(MilestoneDates),
  completion: Type.Optional(MilestoneDates),
  opening: Type.Optional(MilestoneDates),
})

export const Location = Type.Object(
  {
    lat: Type.Number(),
    lng: Type.Number(),
    crs: Type.Enum(['WGS84', 'GCJ02'], { description: 'As asked with `crs`; WGS84 unless asked.' }),
    precision: Type.Enum(['exact', 'approximate']),
    note: Nullable(Type.String()),
  },
  { description: 'A point in WGS-84; `approximate` when the site is not known exactly.' },
)

const AreaRef = Type.Object({
  id: Type.String(),
  level: Type.Enum(['city', 'district', 'street', 'community']),
  name: Type.String({ description: 'In the response language.' }),
})

export const OpeningState = Type.Object(
  {
    openNow: Type.Boolean({ description: 'Only a facility that operates (operational, in_service) can be open.' }),
    nextOpenAt: Nullable(
      Type.String({ format: 'date-time', description: 'Next opening, in the facility time zone; null when it does not operate.' }),
    ),
    nextCloseAt: Nullable(Type.String({ format: 'date-time', description: 'Next closing, in the facility time zone.' })),
    weekdayHours: Type.Array(
      Type.Object({
        day: Type.Enum(['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su']),
        intervals: Type.Array(Type.String({ examples: ['08:00-17:30'] })),
      }),
      { description: 'The regular weekly hours, Monday first; no intervals = closed that day.' },
    ),
  },
  {
    description: 'Computed from openingHours in the facility time zone, honouring Chinese public holidays and make-up working days.',
  },
)

const listItemProperties = {
  id: Type.String({ format: 'uuid' }),
  slug: Type.String(),
  category: Category,
  categoryLabel: Type.String({ examples: ['幼儿园'] }),
  kind: Type.Enum(['service', 'project']),
  name: Type.String({ description: 'In the response language (Content-Language), falling back to Chinese.' }),
  names: LocalizedText,
  status: Status,
  statusLabel: Type.String({ examples: ['运营中'] }),
  statusEffective: Nullable(UncertainDate),
  area: AreaRef,
  location: Nullable(Location),
  distanceMeters: Type.Optional(
    Type.Integer({
      description: 'From the `near` point; only when searching near one. Approximate when distanceApproximate is true.',
    }),
  ),
  distanceApproximate: Type.Optional(
    Type.Boolean({
      description:
        'With distanceMeters: true when the location is approximate (e.g. the centre of the area), so the distance is only a rough guide.',
    }),
  ),
  hours: Nullable(OpeningState),
  openNow: Nullable(
    Type.Boolean({ description: 'Whether it is open at this moment (as `hours.openNow`); null when it publishes no hours.' }),
  ),
  dates: FacilityDates,
  updatedAt: Type.String({ format: 'date-time' }),
}

/**
 * What the presenter makes of a search's row (presenter.ts), which the residents' pages and the
 * CSV read whole; the API sends the fields of FacilitySummary, or those asked for.
 */
export const FacilityListItem = Type.Object(listItemProperties)
export type FacilityListItem = Static<typeof FacilityListItem>

export const FacilitySummary = Type.Object(listItemProperties, {
  $id: 'FacilitySummary',
  description:
    'A facility as listed: enough to show it in a list or on a map. `fields` asks for other fields of the full record (Facility).',
})

export const Facility = Type.Object(
  {
    ...listItemProperties,
    externalId: Nullable(Type.String()),
    aliases: Type.Array(Type.String()),
    description: Nullable(Type.String({ description: 'In the response language.' })),
    address: Nullable(Type.String({ description: 'In the response language.' })),
    geometry: Nullable(Type.Object({}, { additionalProperties: true, description: 'GeoJSON geometry of a linear project.' })),
    elderCareTier: Nullable(enumOf(ElderCareTier)),
    ageRange: Nullable(Type.Object({ minMonths: Nullable(Type.Integer()), maxMonths: Nullable(Type.Integer()) })),
    accessibility: Type.Array(enumOf(AccessibilityFeature)),
    openingHours: Nullable(Type.String({ description: 'OpenStreetMap opening_hours syntax.' })),
    timeZone: Type.String({ examples: ['Asia/Shanghai'] }),
    contact: Type.Object({ phone: Nullable(Type.String()), website: Nullable(Type.String()) }),
    capacity: Type.Array(
      Type.Object({
        unit: enumOf(CapacityUnit),
        total: Nullable(Type.Integer()),
        available: Nullable(Type.Integer()),
        asOf: Type.String({ format: 'date-time' }),
      }),
    ),
    attributes: Type.Object({}, { additionalProperties: true }),
    citations: Type.Array(
      Type.Object({
        source: Type.Object({ id: Type.String(), title: Type.String(), publishedOn: Nullable(Type.String()) }),
        quote: Type.String(),
      }),
    ),
    provenance: Type.Array(
      Type.Object({
        field: Type.String({ description: 'A JSON Pointer into the facility as written (FacilityInput).', examples: ['/name/en'] }),
        basis: ProvenanceEntry.properties.basis,
        source: Nullable(Type.String({ description: 'A source id (see citations).' })),
        quote: Nullable(Type.String({ description: 'The sentence of the source, verbatim.' })),
        note: Nullable(Type.String()),
        by: Nullable(Type.String()),
        at: Nullable(Type.String({ format: 'date-time' })),
      }),
      { description: "Where each field's value comes from: the source and its sentence, staff, or a translation or inference." },
    ),
    verifiedAt: Nullable(Type.String({ format: 'date-time' })),
    version: Type.Integer({ minimum: 1 }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Facility', description: 'A facility or project, in full.' },
)
export type Facility = Static<typeof Facility>
export type FacilitySummary = Static<typeof FacilitySummary>

/** The fields a list item may be asked for with `fields`: those of the full record. */
export const facilityFieldNames = Object.keys(Facility.properties) as (keyof Facility)[]

/** A list item with the fields asked for (`fields`): the id and those fields, each as in the full record. */
export const FacilityFields = Type.Object(
  Object.fromEntries(
    Object.entries(Facility.properties).map(([name, schema]) => [name, name === 'id' ? schema : Type.Optional(schema)]),
  ) as Record<string, TSchema>,
  {
    $id: 'FacilityFields',
    description: 'A list item with `fields`: the id and the fields asked for, each as in the full record (Facility).',
  },
)

/** A status change, done or scheduled. */
export const StatusChange = Type.Object(
  {
    id: Type.Integer(),
    facilityId: Type.String({ format: 'uuid' }),
    fromStatus: Nullable(Status),
    toStatus: Status,
    effectiveAt: Nullable(Type.String({ format: 'date-time' }), {
      description: 'When it takes (or took) effect; null when only a period is known (statusEffective).',
    }),
    reason: Type.String(),
    state: Type.Enum(['applied', 'scheduled', 'discarded'], {
      description:
        'applied: in effect (or superseded since); scheduled: takes effect at effectiveAt; discarded: was scheduled, but ' +
        'by its moment the facility had been deleted or its status had moved on so the lifecycle no longer allowed it.',
    }),
    discardedReason: Nullable(Type.String()),
    recordedAt: Type.String({ format: 'date-time' }),
    facilityVersion: Type.Optional(Type.Integer({ description: 'In the answer to a status change: the facility version after it.' })),
  },
  { $id: 'StatusChange', description: 'A status change, in effect, scheduled or discarded.' },
)
export type StatusChange = Static<typeof StatusChange>
