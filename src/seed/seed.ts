// Loads the readable seed files in seed/ (areas, sources, facilities). Idempotent and
// create-only: a record that already exists is left as it is, so a staff edit is never
// overwritten by a later seed run.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { Type, type Static, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { parse } from 'yaml'
import type { PrismaClient } from '../generated/prisma/client.js'
import { AreaLevel } from '../generated/prisma/enums.js'
import { createFacility } from '../facilities/writes.js'
import { projectRoot } from '../project-root.js'
import { FacilityInput } from '../facilities/schemas.js'

export const seedDir = path.join(projectRoot, 'seed')

const AreaSeed = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }),
    level: Type.Enum(AreaLevel),
    parent: Type.Optional(Type.String()),
    name: Type.Object({ zh: Type.String({ minLength: 1 }), en: Type.String({ minLength: 1 }) }),
    centre: Type.Optional(
      Type.Object({ lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) }),
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

/** Seed facilities carry no location: the loader places them at their area's approximate centre. */
const FacilitySeed = Type.Omit(FacilityInput, ['location'])
type FacilitySeed = Static<typeof FacilitySeed>

export class SeedFileError extends Error {}

async function readList<T extends TSchema>(file: string, schema: T): Promise<Static<T>[]> {
  const list: unknown = parse(await readFile(path.join(seedDir, file), 'utf8'))
  if (!Array.isArray(list)) throw new SeedFileError(`seed/${file} must be a YAML list`)
  return list.map((entry, index) => {
    const error = Value.Errors(schema, entry)[0]
    if (error !== undefined) {
      throw new SeedFileError(`seed/${file}, entry ${index + 1}: ${error.instancePath || '/'} ${error.message}`)
    }
    return entry as Static<T>
  })
}

export async function readSeed() {
  const [areas, sources, facilities] = await Promise.all([
    readList('areas.yaml', AreaSeed),
    readList('sources.yaml', SourceSeed),
    readList('facilities.yaml', FacilitySeed),
  ])
  return { areas, sources, facilities }
}

function approximateCentre(areas: AreaSeed[], areaId: string): (AreaSeed['centre'] & { of: AreaSeed }) | undefined {
  const area = areas.find((a) => a.id === areaId)
  if (area === undefined) return undefined
  if (area.centre !== undefined) return { ...area.centre, of: area }
  return area.parent === undefined ? undefined : approximateCentre(areas, area.parent)
}

export interface SeedReport {
  areas: { created: number; kept: number }
  sources: { created: number; kept: number }
  facilities: { created: number; kept: number }
}

export async function seedDatabase(prisma: PrismaClient): Promise<SeedReport> {
  const { areas, sources, facilities } = await readSeed()

  // One INSERT: PostgreSQL checks the parent keys at the end of the statement, so order is free.
  const createdAreas = await prisma.area.createMany({
    data: areas.map((area: AreaSeed) => ({
      id: area.id,
      level: area.level,
      nameZh: area.name.zh,
      nameEn: area.name.en,
      parentId: area.parent ?? null,
    })),
    skipDuplicates: true,
  })
  const createdSources = await prisma.source.createMany({
    data: sources.map((source: SourceSeed) => ({ ...source })),
    skipDuplicates: true,
  })

  const existing = new Set((await prisma.facility.findMany({ select: { slug: true } })).map((facility) => facility.slug))
  let created = 0
  for (const facility of facilities as FacilitySeed[]) {
    if (existing.has(facility.slug)) continue
    const centre = approximateCentre(areas, facility.area)
    await createFacility(
      prisma,
      {
        ...facility,
        ...(centre && {
          location: {
            lat: centre.lat,
            lng: centre.lng,
            precision: 'approximate',
            note: `Approximate centre of ${centre.of.name.en} (${centre.of.name.zh}); the source names no site.`,
          },
        }),
      },
      { actor: { name: 'seed' }, reason: 'seed data' },
    )
    created += 1
  }
  return {
    areas: { created: createdAreas.count, kept: areas.length - createdAreas.count },
    sources: { created: createdSources.count, kept: sources.length - createdSources.count },
    facilities: { created, kept: facilities.length - created },
  }
}
