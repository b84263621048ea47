// Turns every error — thrown ProblemErrors, schema validation failures, Fastify's own errors,
// anything unexpected — into one problem+json response. Unexpected errors are logged and
// answered with a generic 500 that reveals no internals.
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { isDatabaseUnavailable } from '../db/unavailable.js'
import { ProblemError, ProblemSchema, problemBody, type ProblemCode, type ProblemExtensions, type ProblemFieldError } from './problems.js'

const validationPlaces: Record<string, ProblemFieldError['in']> = {
  querystring: 'query',
  params: 'path',
  headers: 'header',
  body: 'body',
}

function fieldErrors(error: FastifyError): ProblemFieldError[] {
  const place = validationPlaces[error.validationContext ?? 'body'] ?? 'body'
  return (error.validation ?? []).map((issue) => {
    const params = issue.params as Record<string, unknown>
    const missing = typeof params.missingProperty === 'string' ? params.missingProperty : undefined
    const extra = typeof params.additionalProperty === 'string' ? params.additionalProperty : undefined
    const pointer = issue.instancePath
    // Query and path parameters are named plainly; body fields by JSON Pointer.
    const named = (field: string) => (place === 'body' ? `${pointer}/${field}` : field)
    if (missing !== undefined) return { in: place, name: named(missing), message: 'is required' }
    if (extra !== undefined) return { in: place, name: named(extra), message: 'is not a known parameter' }
    const name = place === 'body' ? pointer || '/' : pointer.replace(/^\//, '').split('/')[0] || '(root)'
    const message = Array.isArray(params.allowedValues)
      ? `must be one of: ${params.allowedValues.join(', ')}`
      : issue.keyword === 'minItems'
        ? `must name at least ${params.limit} value${params.limit === 1 ? '' : 's'}`
        : (issue.message ?? 'is not valid')
    return { in: place, name, message }
  })
}

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ProblemCode,
  detail: string,
  errors?: ProblemFieldError[],
  extensions?: ProblemExtensions,
) {
  const body = problemBody(code, detail, request.url.split('?')[0], errors, extensions, request.id)
  // Also here: errors Fastify raises before routing (frameworkErrors) skip the hooks that set it.
  reply.header('x-request-id', request.id)
  return reply.status(body.status).type('application/problem+json').send(body)
}

const fastifyCodes: Record<string, ProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation_failed',
  FST_ERR_CTP_INVALID_JSON_BODY: 'validation_failed',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
}

/**
 * Errors Fastify raises before a route is found (server option `frameworkErrors`): a malformed
 * percent-encoding in the path, a path parameter longer than the router keeps. Both are a
 * client's mistake in the path, answered with the same 400 a route would give.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0] ?? request.url
  const detail =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A path segment is longer than any id of this API (at most 100 characters)'
      : 'The path is not valid: percent-encode reserved and non-ASCII characters (UTF-8), e.g. %E5%8D%8E for 华'
  send(reply, request, 'validation_failed', detail, [{ in: 'path', name: path, message: detail }])
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (server option
 * `clientErrorHandler`): headers over 16 KB, a URL with raw (not percent-encoded) non-ASCII
 * characters, anything else that is not HTTP/1.1. Answered on the socket, in the one shape.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const [status, code, detail]: [number, ProblemCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'header_fields_too_large', 'The request headers are larger than 16 KB']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'The request did not arrive in time']
        : error.code === 'HPE_INVALID_URL'
          ? [
              400,
              'malformed_request',
              'The URL holds characters that must be percent-encoded (UTF-8): e.g. q=%E5%8D%8E%E5%8D%97 for q=华南 (curl: --data-urlencode with -G)',
            ]
          : [400, 'malformed_request', `The request is not valid HTTP/1.1 (${error.code ?? 'parse error'})`]
  const body = JSON.stringify(problemBody(code, detail))
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy(error)
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Answers a path outside the API that nothing serves (the residents' site sets it: an HTML page). */
    notFoundPage: ((request: FastifyRequest, reply: FastifyReply) => FastifyReply | Promise<FastifyReply>) | null
  }
}

/** Paths of the JSON API and its documents: an unknown one is always a problem, never a page. */
const apiPath = /^\/(v[0-9]+|health|openapi|docs|hsds|mcp)(\/|\.|\?|$)/

export default fp(
  async (app) => {
    app.addSchema(ProblemSchema)
    app.decorate('notFoundPage', null)

    app.setErrorHandler((error: FastifyError | ProblemError, request, reply) => {
      if (error instanceof ProblemError) return send(reply, request, error.code, error.message, error.errors, error.extensions)
      if (error.validation) {
        const errors = fieldErrors(error)
        const names = errors.map((e) => e.name).join(', ')
        return send(
          reply,
          request,
          'validation_failed',
          `Invalid ${errors[0]?.in === 'body' ? 'body field' : `${errors[0]?.in} parameter`}: ${names}`,
          errors,
        )
      }
      const mapped = error.code === undefined ? undefined : fastifyCodes[error.code]
      if (mapped !== undefined) return send(reply, request, mapped, error.message)
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        request.log.info({ err: error }, 'client error')
        return send(reply, request, 'validation_failed', error.message)
      }
      if (isDatabaseUnavailable(error)) {
        request.log.warn({ err: error }, 'the database is unavailable')
        reply.header('retry-after', '5')
        return send(reply, request, 'service_unavailable', 'The database does not answer; try again in a few seconds')
      }
      request.log.error({ err: error }, 'unhandled error')
      return send(reply, request, 'internal_error', 'Something went wrong on our side; it has been logged.')
    })

    app.setNotFoundHandler((request, reply) => {
      if (app.notFoundPage !== null && !apiPath.test(request.url) && (request.method === 'GET' || request.method === 'HEAD')) {
        return app.notFoundPage(request, reply)
      }
      return send(reply, request, 'route_not_found', `${request.method} ${request.url.split('?')[0]} is not an endpoint of this API`)
    })
  },
  { name: 'problems' },
)
