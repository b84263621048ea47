// A typed client for Linli: openapi-fetch over the types `npm run openapi` generates from the
// OpenAPI document (schema.d.ts), so paths, parameters and answers are checked by the compiler.
//
//   npx tsx clients/typescript/linli-client.ts http://127.0.0.1:3000
import createClient from 'openapi-fetch'
import type { components, paths } from './schema.js'

export type Facility = components['schemas']['Facility']
export type FacilitySummary = components['schemas']['FacilitySummary']
/** A list item asked for with `fields`: its id and those fields. */
export type FacilityFields = components['schemas']['FacilityFields']
export type Problem = components['schemas']['Problem']

/** Answers as JSON (and errors as problems); GeoJSON and CSV are there for clients that ask for them. */
export function linliClient(
  baseUrl: string,
  options: { fetch?: typeof fetch; language?: 'zh-Hans' | 'en' /** An API key, for staff operations. */; key?: string } = {},
) {
  return createClient<paths, 'application/json' | 'application/problem+json'>({
    baseUrl,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    headers: {
      'Accept-Language': options.language ?? 'zh-Hans',
      ...(options.key === undefined ? {} : { Authorization: `Bearer ${options.key}` }),
    },
  })
}

export type StatusChange = components['schemas']['StatusChange']

/**
 * What staff do: change a facility's status (now, or at `effectiveAt`). Reads the facility first
 * and sends its ETag in If-Match, so a change someone made meanwhile is not overwritten: that
 * answer is a `version_mismatch` problem, to read again and decide.
 */
export async function changeStatus(
  client: ReturnType<typeof linliClient>,
  id: string,
  change: { status: Facility['status']; reason: string; effectiveAt?: string },
): Promise<StatusChange> {
  const read = await client.GET('/v1/facilities/{id}', { params: { path: { id } } })
  if (read.error !== undefined) throw new LinliProblem(read.error)
  const etag = read.response.headers.get('etag') ?? '*'
  const { data, error } = await client.POST('/v1/facilities/{id}/status-changes', {
    params: { path: { id }, header: { 'if-match': etag } },
    body: change,
  })
  if (error !== undefined) throw new LinliProblem(error)
  return data
}

export class LinliProblem extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.code}: ${problem.detail}`)
    this.name = 'LinliProblem'
  }
}

/** What a resident asks: kindergartens and childcare within 2 km of a point (WGS-84), every page. */
export async function childcareNear(client: ReturnType<typeof linliClient>, lat: number, lng: number) {
  const found: FacilitySummary[] = []
  let cursor: string | undefined
  do {
    const { data, error } = await client.GET('/v1/facilities', {
      params: { query: { near: `${lat},${lng}`, radius: 2000, category: ['kindergarten', 'childcare'], limit: 100, cursor } },
    })
    if (error !== undefined) throw new LinliProblem(error)
    // Neither `view` nor `fields`: the items are summaries (the document's union names all three kinds).
    found.push(...(data.data as FacilitySummary[]))
    cursor = data.page.nextCursor ?? undefined
  } while (cursor !== undefined)
  return found
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const client = linliClient(process.argv[2] ?? 'http://127.0.0.1:3000', { language: 'en' })
  for (const facility of await childcareNear(client, 22.6866, 114.124)) {
    console.log(`${facility.name} (${facility.statusLabel}), ${facility.distanceMeters ?? '?'} m`)
  }
}
