// Loads the readable seed files in seed/ (areas, sources, facilities, revision), refusing what
// its sources do not say (verify.ts). Idempotent: a facility the seed does not have yet is
// created; one it has is brought up to the seed's revision as ordinary audited changes (actor
// "seed", the revision's reason) — only in the fields staff have not changed since the seed
// wrote them, so a staff edit is never overwritten, and a deleted facility stays deleted.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { Type, type Static, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { parse } from 'yaml'
import type { PrismaClient } from '../generated/prisma/client.js'
import { AreaLevel } from '../generated/prisma/enums.js'
import { changedFields, documentOf, type FacilityDocument } from '../facilities/document.js'
import { byField, factFields, isAbout } from '../facilities/provenance.js'
import { readFullRecords, transactionReader } from '../facilities/records.js'
import { correctStatusIn } from '../facilities/status-changes.js'
import { createFacility, transactionOptions, updateIn } from '../facilities/writes.js'
import { FacilityInput } from '../facilities/schemas.js'
import { projectRoot } from '../project-root.js'
import { SeedFileError, verifyArea, verifyFacility } from './verify.js'

export { SeedFileError } from './verify.js'

export const seedDir = path.join(projectRoot, 'seed')

const LatLng = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false },
)

const AreaSeed = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }),
    level: Type.Enum(AreaLevel),
    parent: Type.Optional(Type.String()),
    name: Type.Object({ zh: Type.String({ minLength: 1 }), en: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    centre: Type.Optional(LatLng),
    bounds: Type.Optional(
      Type.Object(
        { minLat: Type.Number(), minLng: Type.Number(), maxLat: Type.Number(), maxLng: Type.Number() },
        { additionalProperties: false },
      ),
    ),
    facts: Type.Optional(
      Type.Array(
        Type.Object(
          {
            text: Type.Object({ zh: Type.String({ minLength: 1 }), en: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
            source: Type.String({ minLength: 1 }),
            quote: Type.String({ minLength: 1 }),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
)
type AreaSeed = Static<typeof AreaSeed>

const SourceSeed = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }),
    title: Type.String({ minLength: 1 }),
    publisher: Type.Optional(Type.String()),
    publishedOn: Type.Optional(Type.String()),
    url: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)
type SourceSeed = Static<typeof SourceSeed>

const Revision = Type.Object(
  { id: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }), reason: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
)

/**
 * A facility as the seed writes it: the input schema, closed (Type.Omit had dropped
 * additionalProperties, so a `location` went through unchecked). A location, like an address,
 * is accepted only with provenance of its own (verify.ts); without one the loader places the
 * facility at its area's approximate centre.
 */
const FacilitySeed = Type.Object(FacilityInput.properties, { additionalProperties: false })

async function readYaml<T extends TSchema>(dir: string, file: string, schema: T, list: true): Promise<Static<T>[]>
async function readYaml<T extends TSchema>(dir: string, file: string, schema: T, list: false): Promise<Static<T>>
async function readYaml<T extends TSchema>(dir: string, file: string, schema: T, list: boolean): Promise<Static<T> | Static<T>[]> {
  const content: unknown = parse(await readFile(path.join(dir, file), 'utf8'))
  const check = (entry: unknown, where: string) => {
    const error = Value.Errors(schema, entry)[0]
    if (error !== undefined) throw new SeedFileError(`seed/${file}${where}: ${error.instancePath || '/'} ${error.message}`)
    return entry as Static<T>
  }
  if (!list) return check(content, '')
  if (!Array.isArray(content)) throw new SeedFileError(`seed/${file} must be a YAML list`)
  return content.map((entry, index) => check(entry, `, entry ${index + 1}`))
}

function approximateCentre(areas: AreaSeed[], areaId: string): (Static<typeof LatLng> & { of: AreaSeed }) | undefined {
  const area = areas.find((a) => a.id === areaId)
  if (area === undefined) return undefined
  if (area.centre !== undefined) return { ...area.centre, of: area }
  return area.parent === undefined ? undefined : approximateCentre(areas, area.parent)
}

/** The seed read and checked against its sources: facilities as documents, with provenance and a place. */
export async function readSeed(dir = seedDir) {
  const [areas, sources, facilities, revision] = await Promise.all([
    readYaml(dir, 'areas.yaml', AreaSeed, true),
    readYaml(dir, 'sources.yaml', SourceSeed, true),
    readYaml(dir, 'facilities.yaml', FacilitySeed, true),
    readYaml(dir, 'revision.yaml', Revision, false),
  ])
  const texts = new Map<string, string>()
  for (const source of sources) {
    // The article is hard-wrapped; a quoted sentence may run across lines.
    texts.set(source.id, (await readFile(path.join(dir, 'sources', `${source.id}.txt`), 'utf8')).replace(/\n/g, ''))
  }
  for (const [index, area] of areas.entries()) verifyArea(area, areas, texts, `seed/areas.yaml, entry ${index + 1}`)
  const documents = facilities.map((facility, index): FacilityDocument => {
    const document = verifyFacility(facility, texts, `seed/facilities.yaml, entry ${index + 1}`)
    if (document.location !== undefined) return document
    const centre = approximateCentre(areas, facility.area)
    if (centre === undefined) return document
    return {
      ...document,
      location: {
        lat: centre.lat,
        lng: centre.lng,
        precision: 'approximate',
        note: {
          zh: `${centre.of.name.zh}的大致中心位置；来源未给出具体地点。`,
          en: `Approximate centre of ${centre.of.name.en} (${centre.of.name.zh}); the source names no site.`,
        },
      },
      provenance: byField([
        ...(document.provenance ?? []),
        { field: '/location', basis: 'inferred', note: `Not from the source: the approximate centre of ${centre.of.name.en}.` },
      ]),
    }
  })
  return { areas, sources, facilities: documents, revision, texts }
}

export interface SeedReport {
  revision: string
  areas: { created: number; kept: number }
  sources: { created: number; kept: number }
  facilities: { created: number; revised: number; kept: number }
}

/** Who last wrote each field of a facility ("seed", or someone else), from the change log. */
async function lastWriters(prisma: PrismaClient, facilityId: string) {
  const rows = await prisma.$queryRaw<{ field: string | null; actor: string | null; action: string }[]>`
    SELECT DISTINCT ON (cf.field) cf.field, c.actor, c.action::text AS action
    FROM change c LEFT JOIN change_field cf ON cf.change_id = c.id
    WHERE c.facility_id = CAST(${facilityId} AS uuid)
    ORDER BY cf.field, c.id DESC`
  const created = await prisma.change.findFirst({ where: { facilityId, action: 'create' }, select: { actor: true } })
  const writers = new Map(rows.filter((row) => row.field !== null).map((row) => [row.field as string, row.actor]))
  return (field: string) => (writers.has(field) ? writers.get(field) : created?.actor) === 'seed'
}

/**
 * The seed's document for the fields the seed still owns, the current one for the rest; the
 * provenance follows each field's owner.
 */
function revised(current: FacilityDocument, seed: FacilityDocument, ownedBySeed: (field: string) => boolean): FacilityDocument {
  const next: Record<string, unknown> = { ...current }
  for (const { field } of changedFields(current, seed)) {
    if (field === 'provenance' || !ownedBySeed(field)) continue
    next[field] = seed[field]
  }
  const owner = (entryField: string) => factFields.find((f) => isAbout({ field: entryField, basis: 'source' }, f))
  const provenance = [
    ...(current.provenance ?? []).filter((e) => {
      const field = owner(e.field)
      return field !== undefined && !ownedBySeed(field)
    }),
    ...(seed.provenance ?? []).filter((e) => {
      const field = owner(e.field)
      return field === undefined || ownedBySeed(field)
    }),
  ]
  next.provenance = provenance.length === 0 ? undefined : byField(provenance)
  return next as FacilityDocument
}

export async function seedDatabase(prisma: PrismaClient, options: { dir?: string } = {}): Promise<SeedReport> {
  const { areas, sources, facilities, revision } = await readSeed(options.dir)
  const reason = `seed revision ${revision.id}: ${revision.reason}`
  const actor = { name: 'seed' }

  // One INSERT: PostgreSQL checks the parent keys at the end of the statement, so order is free.
  const createdAreas = await prisma.area.createMany({
    data: areas.map((area) => ({
      id: area.id,
      level: area.level,
      nameZh: area.name.zh,
      nameEn: area.name.en,
      parentId: area.parent ?? null,
      facts: area.facts ?? [],
    })),
    skipDuplicates: true,
  })
  // What the sources say about an area is the seed's alone: staff do not edit it.
  for (const area of areas) {
    await prisma.area.updateMany({ where: { id: area.id }, data: { facts: area.facts ?? [] } })
  }
  const createdSources = await prisma.source.createMany({
    data: sources.map((source: SourceSeed) => ({ ...source })),
    skipDuplicates: true,
  })

  const existing = new Map(
    (await prisma.facility.findMany({ select: { id: true, slug: true, deletedAt: true } })).map((f) => [f.slug, f] as const),
  )
  let created = 0
  let revisedCount = 0
  for (const facility of facilities) {
    const row = existing.get(facility.slug)
    if (row === undefined) {
      await createFacility(prisma, facility, { actor, reason, provenanceGiven: true })
      created += 1
      continue
    }
    if (row.deletedAt !== null) continue
    const [record] = await readFullRecords(transactionReader(prisma), { ids: [row.id] })
    if (record === undefined) continue
    const current = documentOf(record)
    const ownedBySeed = await lastWriters(prisma, row.id)
    const next = revised(current, facility, ownedBySeed)
    if (changedFields(current, next).length === 0) continue
    await prisma.$transaction(async (tx) => {
      if (next.status !== current.status || next.statusEffective !== current.statusEffective) {
        await correctStatusIn(
          tx,
          row.id,
          { status: next.status, statusEffective: next.statusEffective, provenance: next.provenance },
          {
            actor,
            reason,
          },
        )
      }
      await updateIn(tx, row.id, () => next, { actor, reason, ifMatch: 'any', provenanceGiven: true })
    }, transactionOptions)
    revisedCount += 1
  }
  return {
    revision: revision.id,
    areas: { created: createdAreas.count, kept: areas.length - createdAreas.count },
    sources: { created: createdSources.count, kept: sources.length - createdSources.count },
    facilities: { created, revised: revisedCount, kept: facilities.length - created - revisedCount },
  }
}
