// Turns every error — thrown ProblemErrors, schema validation failures, Fastify's own errors,
// anything unexpected — into one problem+json response. Unexpected errors are logged and
// answered with a generic 500 that reveals no internals.
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
  const body = problemBody(code, detail, request.url.split('?')[0], errors, extensions)
  return reply.status(body.status).type('application/problem+json').send(body)
}

const fastifyCodes: Record<string, ProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation_failed',
  FST_ERR_CTP_INVALID_JSON_BODY: 'validation_failed',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
}

export default fp(
  async (app) => {
    app.addSchema(ProblemSchema)

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

    app.setNotFoundHandler((request, reply) =>
      send(reply, request, 'route_not_found', `${request.method} ${request.url.split('?')[0]} is not an endpoint of this API`),
    )
  },
  { name: 'problems' },
)
