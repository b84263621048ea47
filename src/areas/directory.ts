// The administrative areas (city → district → street → community), published as `fastify.areas`.
import type { Area, PrismaClient } from '../generated/prisma/client.js'

export interface AreaNode {
  id: string
  level: Area['level']
  name: { 'zh-Hans': string; en: string }
  facts: AreaFact[]
  children: AreaNode[]
}

/** What a source says about the area itself, with its sentence (seed/areas.yaml). */
export interface AreaFact {
  text: { 'zh-Hans': string; en: string }
  source: string
  quote: string
}

const factsOf = (facts: unknown): AreaFact[] =>
  (Array.isArray(facts) ? (facts as { text: { zh: string; en: string }; source: string; quote: string }[]) : []).map((fact) => ({
    text: { 'zh-Hans': fact.text.zh, en: fact.text.en },
    source: fact.source,
    quote: fact.quote,
  }))

/** The areas as a tree: each holds the areas within it. */
export function areaTree(areas: Area[]): AreaNode[] {
  const nodes = new Map<string, AreaNode>(
    areas.map((area) => [
      area.id,
      { id: area.id, level: area.level, name: { 'zh-Hans': area.nameZh, en: area.nameEn }, facts: factsOf(area.facts), children: [] },
    ]),
  )
  const roots: AreaNode[] = []
  for (const area of areas) {
    const node = nodes.get(area.id)
    if (node === undefined) continue
    const parent = area.parentId === null ? undefined : nodes.get(area.parentId)
    ;(parent?.children ?? roots).push(node)
  }
  return roots
}

export function areaDirectory(prisma: PrismaClient) {
  return {
    /** Every area, in id order. */
    all: () => prisma.area.findMany({ orderBy: { id: 'asc' } }),
    async exists(id: string) {
      return (await prisma.area.findUnique({ where: { id }, select: { id: true } })) !== null
    },
    /**
     * A test of whether an area lies within (or is) one of some areas, from the areas as they
     * are now: read once, then asked without the database (inside a write transaction, where
     * the embedded database could not answer a second query).
     */
    async containment(): Promise<(area: string, within: readonly string[]) => boolean> {
      const areas = await prisma.area.findMany({ select: { id: true, parentId: true } })
      const parent = new Map(areas.map((area) => [area.id, area.parentId]))
      return (area, within) => {
        const lineage: string[] = []
        for (let id: string | null | undefined = area; id != null && !lineage.includes(id); id = parent.get(id)) lineage.push(id)
        return within.some((id) => lineage.includes(id))
      }
    },
  }
}

export type AreaDirectory = ReturnType<typeof areaDirectory>
