// Opaque cursors for keyset paging. A cursor carries the last row's key and a fingerprint of
// the query it belongs to, so one taken from another query, or edited, is refused instead of
// silently giving a wrong page.
import { createHash } from 'node:crypto'
import { ProblemError } from './problems.js'

export interface CursorPayload {
  /** Sort key of the last row of the previous page. */
  after: unknown
  /** How the query was answered on the first page, kept for the next ones. */
  mode?: string
}

function fingerprint(query: Record<string, unknown>): string {
  const stable = Object.keys(query)
    .filter((key) => key !== 'cursor' && key !== 'limit' && query[key] !== undefined)
    .sort()
    .map((key) => [key, query[key]])
  return createHash('sha256').update(JSON.stringify(stable)).digest('base64url').slice(0, 12)
}

export function encodeCursor(payload: CursorPayload, query: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ ...payload, q: fingerprint(query) })).toString('base64url')
}

export function decodeCursor(cursor: string, query: Record<string, unknown>, isValidKey: (key: unknown) => boolean): CursorPayload {
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    decoded = undefined
  }
  const fail = (detail: string) => new ProblemError('invalid_cursor', detail, [{ in: 'query', name: 'cursor', message: detail }])
  if (typeof decoded !== 'object' || decoded === null) throw fail('the cursor is not one this API issued')
  const { after, q, mode } = decoded as Record<string, unknown>
  if (typeof q !== 'string') throw fail('the cursor is not one this API issued')
  // Before the key's shape: a cursor of another query (another sort) has a key of another shape.
  if (q !== fingerprint(query)) throw fail('the cursor belongs to a query with other filters; start again without it')
  if (!isValidKey(after) || (mode !== undefined && typeof mode !== 'string')) throw fail('the cursor is not one this API issued')
  return { after, ...(mode === undefined ? {} : { mode }) }
}

/** The Link header of a paged list, for its route schema. */
export const nextLinkHeader = {
  Link: {
    type: 'string',
    description: 'The next page, when there is one (RFC 8288): the same request with `cursor` set.',
    examples: ['</v1/facilities?category=kindergarten&cursor=eyJhZnRlciI6…>; rel="next"'],
  },
}
