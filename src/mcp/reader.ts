// How the MCP tools read the directory: through Linli's own read API (/v1), either inside the
// process that serves it (fastify.inject: the same routes, services and presentation, no network)
// or over HTTP from a running Linli (LINLI_URL). Either way the tools answer exactly what the API
// answers, and never open a second connection to an embedded database a server already holds.
import type { FastifyInstance } from 'fastify'
import type { Language } from '../http/language.js'

/** A read the API refused, with its problem detail (a 404, a 400, a 429 …). */
export class DirectoryError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail)
    this.name = 'DirectoryError'
  }
}

/** GET a path of the read API (`/v1/…?…`) in a language; the JSON body, or a DirectoryError. */
export type DirectoryReader = (path: string, language: Language) => Promise<unknown>

const detailOf = (status: number, body: unknown) =>
  typeof body === 'object' && body !== null && 'detail' in body && typeof body.detail === 'string'
    ? body.detail
    : `the directory answered ${status}`

/**
 * Reads through the app's own routes. `caller` is who asked the MCP request: its key and address
 * go with each read, so the reads count against the caller's rate limit as API reads would.
 */
export function injectReader(fastify: FastifyInstance, caller: { authorization?: string; remoteAddress?: string } = {}): DirectoryReader {
  return async (path, language) => {
    const response = await fastify.inject({
      method: 'GET',
      url: path,
      headers: {
        accept: 'application/json',
        'accept-language': language,
        ...(caller.authorization === undefined ? {} : { authorization: caller.authorization }),
      },
      ...(caller.remoteAddress === undefined ? {} : { remoteAddress: caller.remoteAddress }),
    })
    const body: unknown = response.json()
    if (response.statusCode !== 200) throw new DirectoryError(response.statusCode, detailOf(response.statusCode, body))
    return body
  }
}

/** Reads from a running Linli at baseUrl, with an API key when given. */
export function httpReader(baseUrl: string, apiKey?: string): DirectoryReader {
  const base = baseUrl.replace(/\/+$/, '')
  return async (path, language) => {
    const response = await fetch(`${base}${path}`, {
      headers: {
        accept: 'application/json',
        'accept-language': language,
        ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
      },
      signal: AbortSignal.timeout(15_000),
    })
    const body: unknown = await response.json().catch(() => undefined)
    if (response.status !== 200) throw new DirectoryError(response.status, detailOf(response.status, body))
    return body
  }
}
