// The directory as Model Context Protocol tools, for AI assistants: read-only, answering in the
// asker's language, every facility with the source sentences its record comes from, so an
// assistant can quote where a fact comes from rather than assert it. The tools read through
// Linli's read API (reader.ts) and answer both as text and as structured content.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { z } from 'zod'
import { kindOfCategory } from '../domain/categories.js'
import { statusesOfKind } from '../domain/lifecycle.js'
import type { FacilityCategory } from '../generated/prisma/enums.js'
import type { Facility } from '../facilities/schemas.js'
import type { Language } from '../http/language.js'
import { DirectoryError, type DirectoryReader } from './reader.js'

const allCategories = Object.keys(kindOfCategory) as FacilityCategory[]
const serviceCategories = allCategories.filter((category) => kindOfCategory[category] === 'service')
const projectCategories = allCategories.filter((category) => kindOfCategory[category] === 'project')
const nonEmpty = <T extends string>(values: readonly T[]) => values as unknown as [T, ...T[]]

const language = z
  .enum(['zh-Hans', 'en'])
  .optional()
  .describe('The language of the person asking: zh-Hans (Simplified Chinese, the default) or en. Names and labels answer in it.')
const near = z
  .object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })
  .optional()
  .describe('A point (WGS-84) to search around; results are nearest first and say how far they are.')
const radius = z.number().int().min(1).max(50_000).optional().describe('Metres around `near` (default 5000).')
const limit = z.number().int().min(1).max(50).optional().describe('How many facilities at most (default 10).')

const Milestone = z
  .object({ basis: z.enum(['actual', 'expected', 'planned']), edtf: z.string(), sourceText: z.string().nullable() })
  .nullable()
  .describe('The date as published (EDTF: 2022-05, 2026-36 = Q4 2026): actual when it happened, else expected, else planned.')

const FacilityAnswer = z.object({
  id: z.string(),
  name: z.string(),
  category: z.string(),
  categoryLabel: z.string(),
  kind: z.enum(['service', 'project']),
  status: z.string(),
  statusLabel: z.string(),
  area: z.string(),
  address: z.string().nullable(),
  location: z.object({ lat: z.number(), lng: z.number(), precision: z.enum(['exact', 'approximate']) }).nullable(),
  distanceMeters: z.number().optional(),
  openNow: z.boolean().nullable().describe('null: the facility publishes no opening hours.'),
  nextOpenAt: z.string().nullable(),
  nextCloseAt: z.string().nullable(),
  openingHours: z.string().nullable().describe('OpenStreetMap opening_hours syntax; Chinese public holidays are honoured.'),
  ageRange: z.object({ minMonths: z.number().nullable(), maxMonths: z.number().nullable() }).nullable(),
  opening: Milestone,
  completion: Milestone,
  sources: z
    .array(z.object({ quote: z.string(), source: z.string(), publishedOn: z.string().nullable() }))
    .describe('The sentences of published sources this record comes from.'),
  link: z.string().describe('The facility in the Linli API.'),
})
type FacilityAnswer = z.infer<typeof FacilityAnswer>

const ListAnswer = { facilities: z.array(FacilityAnswer), note: z.string().optional() }

interface FacilityPage {
  data: Facility[]
  page: { nextCursor: string | null }
}

const words = {
  open: { 'zh-Hans': '营业中', en: 'open now' },
  closed: { 'zh-Hans': '现在未开放', en: 'closed now' },
  opensAt: { 'zh-Hans': '下次开放', en: 'opens' },
  closesAt: { 'zh-Hans': '关闭于', en: 'closes' },
  distance: { 'zh-Hans': '距离', en: 'distance' },
  ages: { 'zh-Hans': '适用年龄（月）', en: 'ages (months)' },
  source: { 'zh-Hans': '来源', en: 'Source' },
  noSource: { 'zh-Hans': '（无来源记录）', en: '(no source recorded)' },
  approximate: { 'zh-Hans': '位置为近似', en: 'approximate location' },
  none: { 'zh-Hans': '没有找到符合条件的设施。', en: 'No facility matches.' },
} satisfies Record<string, Record<Language, string>>

function milestoneOf(dates: Facility['dates'][keyof Facility['dates']]): FacilityAnswer['opening'] {
  if (dates === undefined) return null
  for (const basis of ['actual', 'expected', 'planned'] as const) {
    const date = dates[basis]
    if (date !== undefined) return { basis, edtf: date.edtf, sourceText: date.sourceText }
  }
  return null
}

export function answerOf(facility: Facility & { distanceMeters?: number }, link: string): FacilityAnswer {
  return {
    id: facility.id,
    name: facility.name,
    category: facility.category,
    categoryLabel: facility.categoryLabel,
    kind: facility.kind,
    status: facility.status,
    statusLabel: facility.statusLabel,
    area: facility.area.name,
    address: facility.address,
    location:
      facility.location === null
        ? null
        : { lat: facility.location.lat, lng: facility.location.lng, precision: facility.location.precision },
    ...(facility.distanceMeters === undefined ? {} : { distanceMeters: facility.distanceMeters }),
    openNow: facility.hours?.openNow ?? null,
    nextOpenAt: facility.hours?.nextOpenAt ?? null,
    nextCloseAt: facility.hours?.nextCloseAt ?? null,
    openingHours: facility.openingHours,
    ageRange: facility.ageRange,
    opening: milestoneOf(facility.dates.opening),
    completion: milestoneOf(facility.dates.completion),
    sources: facility.citations.map((citation) => ({
      quote: citation.quote,
      source: citation.source.title,
      publishedOn: citation.source.publishedOn,
    })),
    link,
  }
}

/** One facility as a paragraph a person can read, its sources quoted. */
function describe(answer: FacilityAnswer, language: Language): string {
  const say = (key: keyof typeof words) => words[key][language]
  const separator = language === 'en' ? '; ' : '；'
  const parts = [`${answer.name} (${answer.categoryLabel}, ${answer.statusLabel}, ${answer.area})`]
  if (answer.address !== null) parts.push(answer.address)
  if (answer.location?.precision === 'approximate') parts.push(say('approximate'))
  if (answer.distanceMeters !== undefined) parts.push(`${say('distance')} ${answer.distanceMeters} m`)
  if (answer.openNow !== null) {
    parts.push(
      answer.openNow
        ? `${say('open')}${answer.nextCloseAt === null ? '' : `, ${say('closesAt')} ${answer.nextCloseAt}`}`
        : `${say('closed')}${answer.nextOpenAt === null ? '' : `, ${say('opensAt')} ${answer.nextOpenAt}`}`,
    )
  }
  if (answer.ageRange !== null) parts.push(`${say('ages')} ${answer.ageRange.minMonths ?? '…'}–${answer.ageRange.maxMonths ?? '…'}`)
  for (const milestone of [answer.opening, answer.completion]) {
    if (milestone?.sourceText) parts.push(`${milestone.sourceText} (${milestone.edtf})`)
  }
  const sources =
    answer.sources.length === 0
      ? say('noSource')
      : answer.sources
          .map(
            (source) =>
              `${say('source')}: ${source.source}${source.publishedOn === null ? '' : ` (${source.publishedOn})`}: “${source.quote}”`,
          )
          .join('\n  ')
  return `- ${parts.join(separator)}\n  ${sources}\n  ${answer.link}`
}

function listResult(answers: FacilityAnswer[], language: Language, note?: string): CallToolResult {
  const text = [answers.length === 0 ? words.none[language] : answers.map((answer) => describe(answer, language)).join('\n'), note]
    .filter((part) => part !== undefined)
    .join('\n\n')
  return {
    content: [{ type: 'text', text }],
    structuredContent: { facilities: answers, ...(note === undefined ? {} : { note }) },
  }
}

const failure = (error: unknown): CallToolResult => {
  if (!(error instanceof DirectoryError)) throw error
  return { isError: true, content: [{ type: 'text', text: error.message }] }
}

/** Whether an age, in months, is within a facility's recorded age range. */
const servesAge = (facility: Facility, months: number) =>
  facility.ageRange !== null &&
  (facility.ageRange.minMonths === null || facility.ageRange.minMonths <= months) &&
  (facility.ageRange.maxMonths === null || months <= facility.ageRange.maxMonths)

export interface McpServerOptions {
  /** Where links to facilities point: the origin of the Linli serving them ('' for paths only). */
  origin: string
}

export function createMcpServer(read: DirectoryReader, options: McpServerOptions): McpServer {
  const server = new McpServer(
    { name: 'linli', title: 'Linli (邻里) community facility directory', version: '1.0.0' },
    {
      instructions:
        "Linli lists Pinghu Street's (Shenzhen) public services — hospitals, schools, kindergartens, childcare, elder care — " +
        'and infrastructure projects, with their status, opening dates and hours. Every facility comes with the source ' +
        'sentences its record is based on: quote them when you state a fact. Pass language "en" when the person asks in English.',
    },
  )
  const link = (id: string) => `${options.origin}/v1/facilities/${id}`

  /**
   * Facilities of a search, in full, as many as wanted: page after page while a filter the API
   * cannot apply (age) leaves fewer than that; how many the filter dropped is returned too.
   */
  async function collect(query: URLSearchParams, languageOf: Language, want: number, keep: (facility: Facility) => boolean) {
    const kept: Facility[] = []
    let dropped = 0
    let cursor: string | null = null
    for (let pages = 0; pages < 10; pages++) {
      if (cursor !== null) query.set('cursor', cursor)
      const page = (await read(`/v1/facilities?${query.toString()}`, languageOf)) as FacilityPage
      for (const facility of page.data) {
        if (!keep(facility)) dropped++
        else if (kept.length < want) kept.push(facility)
      }
      cursor = page.page.nextCursor
      if (cursor === null || kept.length >= want) break
    }
    return { kept, dropped }
  }

  const searchQuery = (args: {
    query?: string
    category?: FacilityCategory[]
    near?: { lat: number; lng: number }
    radius_m?: number
    open_now?: boolean
    pageSize: number
  }) => {
    const query = new URLSearchParams({ view: 'full', limit: String(args.pageSize) })
    if (args.query !== undefined) query.set('q', args.query)
    if (args.category !== undefined && args.category.length > 0) query.set('category', args.category.join(','))
    if (args.near !== undefined) query.set('near', `${args.near.lat},${args.near.lng}`)
    if (args.radius_m !== undefined) query.set('radius', String(args.radius_m))
    if (args.open_now !== undefined) query.set('openNow', String(args.open_now))
    return query
  }

  server.registerTool(
    'search_facilities',
    {
      title: 'Search facilities',
      description:
        'Find public services and projects by text (Chinese, pinyin or English), category, nearness to a point, whether ' +
        'they are open now, and the age of the person they are for (e.g. childcare for a 2-year-old: age_years 2). ' +
        'Each result has its status, hours, dates and source sentences.',
      inputSchema: {
        query: z.string().min(1).max(100).optional().describe('Words of the name: 华南医院, huanan, hnyy, kindergarten …'),
        category: z
          .array(z.enum(nonEmpty(allCategories)))
          .optional()
          .describe('Only these categories.'),
        near,
        radius_m: radius,
        open_now: z.boolean().optional().describe('Only facilities open (true) or closed (false) at this moment.'),
        age_years: z
          .number()
          .min(0)
          .max(120)
          .optional()
          .describe('Only facilities whose recorded age range includes this age (years; 1.5 = 18 months).'),
        limit,
        language,
      },
      outputSchema: ListAnswer,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      const asker = args.language ?? 'zh-Hans'
      const want = args.limit ?? 10
      const age = args.age_years === undefined ? undefined : Math.round(args.age_years * 12)
      try {
        const query = searchQuery({ ...args, pageSize: age === undefined ? want : 100 })
        const { kept, dropped } = await collect(query, asker, want, (facility) => age === undefined || servesAge(facility, age))
        const note =
          age !== undefined && dropped > 0
            ? asker === 'en'
              ? `${dropped} more facilities match the other criteria but do not record the ages they serve, or serve other ages.`
              : `另有 ${dropped} 个设施符合其他条件，但未登记服务年龄或不适用于该年龄。`
            : undefined
        return listResult(
          kept.map((facility) => answerOf(facility, link(facility.id))),
          asker,
          note,
        )
      } catch (error) {
        return failure(error)
      }
    },
  )

  server.registerTool(
    'get_facility',
    {
      title: 'One facility in full',
      description: 'A facility or project by its id (from a search): status, hours, dates, capacity and the source sentences.',
      inputSchema: { id: z.string().uuid().describe('The facility id.'), language },
      outputSchema: { facility: FacilityAnswer },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      const asker = args.language ?? 'zh-Hans'
      try {
        const facility = (await read(`/v1/facilities/${encodeURIComponent(args.id)}`, asker)) as Facility
        const answer = answerOf(facility, link(facility.id))
        return { content: [{ type: 'text', text: describe(answer, asker) }], structuredContent: { facility: answer } }
      } catch (error) {
        return failure(error)
      }
    },
  )

  server.registerTool(
    'list_projects',
    {
      title: 'Infrastructure projects',
      description:
        'Roads, bridges, railways, metro lines and other projects, optionally at one stage of their lifecycle ' +
        '(planned → in_preparation ⇄ launched (started; preparation or construction not reported) → under_construction ⇄ suspended → completed → in_service; cancelled), with their ' +
        'planned, expected or actual dates and source sentences.',
      inputSchema: {
        stage: z.enum(nonEmpty(statusesOfKind.project)).optional().describe('Only projects at this stage.'),
        category: z
          .array(z.enum(nonEmpty(projectCategories)))
          .optional()
          .describe('Only these kinds of project.'),
        limit: z.number().int().min(1).max(100).optional().describe('How many at most (default 50).'),
        language,
      },
      outputSchema: ListAnswer,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      const asker = args.language ?? 'zh-Hans'
      const want = args.limit ?? 50
      const query = new URLSearchParams({ view: 'full', limit: String(want), category: (args.category ?? projectCategories).join(',') })
      if (args.stage !== undefined) query.set('status', args.stage)
      try {
        const { kept } = await collect(query, asker, want, () => true)
        return listResult(
          kept.map((facility) => answerOf(facility, link(facility.id))),
          asker,
        )
      } catch (error) {
        return failure(error)
      }
    },
  )

  server.registerTool(
    'facilities_open_now',
    {
      title: 'Open now',
      description:
        'Services open at this moment (by their published opening hours, with Chinese public holidays and make-up working ' +
        'days), optionally of some categories and near a point. Facilities that publish no hours are not included.',
      inputSchema: {
        category: z
          .array(z.enum(nonEmpty(serviceCategories)))
          .optional()
          .describe('Only these categories.'),
        near,
        radius_m: radius,
        limit,
        language,
      },
      outputSchema: ListAnswer,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      const asker = args.language ?? 'zh-Hans'
      const want = args.limit ?? 10
      try {
        const query = searchQuery({ ...args, open_now: true, pageSize: want })
        const { kept } = await collect(query, asker, want, () => true)
        return listResult(
          kept.map((facility) => answerOf(facility, link(facility.id))),
          asker,
        )
      } catch (error) {
        return failure(error)
      }
    },
  )

  return server
}
