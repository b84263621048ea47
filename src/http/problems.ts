// One error shape for the whole API: RFC 9457 problem details (application/problem+json) with a
// stable machine-readable `code`. Routes throw ProblemError; src/http/error-handler.ts renders it.
import { Type, type Static } from 'typebox'

export const problemCodes = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_request: { status: 400, title: 'The request is not valid HTTP' },
  invalid_cursor: { status: 400, title: 'The paging cursor is not valid for this query' },
  unauthorized: { status: 401, title: 'An API key is required' },
  invalid_key: { status: 401, title: 'The API key is not valid' },
  forbidden: { status: 403, title: 'This key may not do that' },
  not_found: { status: 404, title: 'Not found' },
  route_not_found: { status: 404, title: 'No such endpoint' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  not_acceptable: { status: 406, title: 'No acceptable representation' },
  request_timeout: { status: 408, title: 'The request did not arrive in time' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  idempotency_key_in_use: { status: 409, title: 'A request with this Idempotency-Key is still being answered' },
  version_mismatch: { status: 412, title: 'The facility has changed since you read it' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  transition_not_allowed: { status: 422, title: 'The status change is not allowed' },
  idempotency_key_reused: { status: 422, title: 'This Idempotency-Key was used for another request' },
  precondition_required: { status: 428, title: 'If-Match is required' },
  rate_limited: { status: 429, title: 'Too many requests' },
  header_fields_too_large: { status: 431, title: 'The request headers are too large' },
  internal_error: { status: 500, title: 'Internal error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
} as const

export type ProblemCode = keyof typeof problemCodes

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI naming the problem type: urn:linli:problem:<code>.' }),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.String({ description: 'What went wrong in this request, for a person to read.' }),
    code: Type.Enum(Object.keys(problemCodes) as ProblemCode[], { description: 'Stable machine-readable code.' }),
    instance: Type.Optional(Type.String({ description: 'The request path.' })),
    requestId: Type.Optional(
      Type.String({
        description:
          'The id of the request, as in its `X-Request-Id` response header and on every log line the request wrote: quote it when reporting a problem.',
        examples: ['0f8a3c52-6d1e-4b7a-9c1d-2f4e5a6b7c8d'],
      }),
    ),
    currentVersion: Type.Optional(
      Type.Integer({ description: 'With version_mismatch: the version the facility has now (its ETag is `"<version>"`).' }),
    ),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          in: Type.Enum(['query', 'path', 'header', 'body']),
          name: Type.String({ description: 'The parameter, header or body field (JSON Pointer) at fault.' }),
          message: Type.String(),
        }),
      ),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details.' },
)

export type Problem = Static<typeof ProblemSchema>
export type ProblemFieldError = NonNullable<Problem['errors']>[number]
/** RFC 9457 extension members beyond `errors`. */
export type ProblemExtensions = Pick<Problem, 'currentVersion'>

/**
 * The `response` entries of a route schema for the problems it can answer, by status code: each
 * described once, by the shared Problem schema, as application/problem+json.
 */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => {
      const codes = Object.entries(problemCodes).filter(([, p]) => p.status === status)
      if (codes.length === 0) throw new Error(`no problem code answers ${status}`)
      return [
        status,
        {
          description: codes.map(([code, p]) => `${p.title} (\`${code}\`)`).join('; '),
          content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
        },
      ]
    }),
  )
}

export class ProblemError extends Error {
  readonly code: ProblemCode
  readonly status: number
  readonly errors: ProblemFieldError[] | undefined
  readonly extensions: ProblemExtensions

  constructor(code: ProblemCode, detail: string, errors?: ProblemFieldError[], extensions: ProblemExtensions = {}) {
    super(detail)
    this.name = 'ProblemError'
    this.code = code
    this.status = problemCodes[code].status
    this.errors = errors
    this.extensions = extensions
  }
}

export function problemBody(
  code: ProblemCode,
  detail: string,
  instance?: string,
  errors?: ProblemFieldError[],
  extensions: ProblemExtensions = {},
  requestId?: string,
): Problem {
  return {
    type: `urn:linli:problem:${code}`,
    title: problemCodes[code].title,
    status: problemCodes[code].status,
    detail,
    code,
    ...(instance === undefined ? {} : { instance }),
    ...(requestId === undefined ? {} : { requestId }),
    ...(errors === undefined ? {} : { errors }),
    ...extensions,
  }
}
