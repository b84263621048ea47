// One error shape for the whole API: RFC 9457 problem details (application/problem+json) with a
// stable machine-readable `code`. Routes throw ProblemError; src/plugins/problems.ts renders it.
import { Type, type Static } from 'typebox'

export const problemCodes = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  invalid_cursor: { status: 400, title: 'The paging cursor is not valid for this query' },
  not_found: { status: 404, title: 'Not found' },
  route_not_found: { status: 404, title: 'No such endpoint' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  not_acceptable: { status: 406, title: 'No acceptable representation' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  rate_limited: { status: 429, title: 'Too many requests' },
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

export class ProblemError extends Error {
  readonly code: ProblemCode
  readonly status: number
  readonly errors: ProblemFieldError[] | undefined

  constructor(code: ProblemCode, detail: string, errors?: ProblemFieldError[]) {
    super(detail)
    this.name = 'ProblemError'
    this.code = code
    this.status = problemCodes[code].status
    this.errors = errors
  }
}

export function problemBody(
  code: ProblemCode,
  detail: string,
  instance?: string,
  errors?: ProblemFieldError[],
): Problem {
  return {
    type: `urn:linli:problem:${code}`,
    title: problemCodes[code].title,
    status: problemCodes[code].status,
    detail,
    code,
    ...(instance === undefined ? {} : { instance }),
    ...(errors === undefined ? {} : { errors }),
  }
}
