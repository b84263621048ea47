// Rules every value a client sends must keep, whatever the route: text is well-formed Unicode
// without NUL (PostgreSQL refuses both, and a lone surrogate cannot be stored as UTF-8), JSON is
// nested no deeper than a facility needs, and a number is finite. Checked here once, at the edge,
// for every query parameter, path parameter and JSON body, so no route — and no SQL — ever
// meets such a value, and each refusal is a 400 naming the field.
import fp from 'fastify-plugin'
import { ProblemError, type ProblemFieldError } from './problems.js'

/**
 * How deep a JSON value may nest. A facility document is at most 5 deep (dates → milestone →
 * basis → edtf); free-form `attributes` get room for a few levels of their own. Bounding it keeps
 * every later recursive step (validation, merge patch, canonical ordering) far from the stack limit.
 */
export const maxJsonDepth = 16

type Place = ProblemFieldError['in']

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
/** A NUL, or a UTF-16 surrogate without its pair. */
const unstorable = (text: string) => text.includes('\0') || loneSurrogate.test(text)

/**
 * An array or a plain object, as JSON.parse and the query parser make them — the query parser's
 * objects have a prototype without properties — and not a stream, a buffer or any other instance.
 */
function isJsonContainer(value: unknown): value is object {
  if (Array.isArray(value)) return true
  if (typeof value !== 'object' || value === null) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === null || prototype === Object.prototype || Object.getPrototypeOf(prototype) === null
}

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1')

/**
 * What in a value breaks the rules above: one error per offending string or number, by JSON
 * Pointer in a body and by parameter name elsewhere. Walks iteratively, so a value nested
 * thousands deep is reported, not a stack overflow.
 */
export function inputProblems(value: unknown, place: Place): ProblemFieldError[] {
  const errors: ProblemFieldError[] = []
  const nameOf = (path: string[]) => (place === 'body' ? `/${path.map(escapePointer).join('/')}` : (path[0] ?? '(root)'))
  const pending: { value: unknown; path: string[] }[] = [{ value, path: [] }]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: item, path } = next
    if (typeof item === 'string') {
      if (unstorable(item)) {
        errors.push({
          in: place,
          name: nameOf(path),
          message: 'must be valid Unicode text without NUL characters (a lone surrogate or \\u0000 cannot be stored)',
        })
      }
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item)) errors.push({ in: place, name: nameOf(path), message: 'must be a finite number' })
    } else if (isJsonContainer(item)) {
      // Query and path parameters are one level of names (each maybe a list): depth counts in bodies.
      if (place === 'body' && path.length >= maxJsonDepth) {
        errors.push({ in: place, name: nameOf(path), message: `nests deeper than ${maxJsonDepth} levels` })
        continue
      }
      for (const [key, child] of Object.entries(item)) {
        if (unstorable(key)) {
          errors.push({ in: place, name: nameOf(path), message: 'has a key that is not valid Unicode text or holds a NUL' })
        }
        pending.push({ value: child, path: [...path, key] })
      }
    }
  }
  return errors.reverse()
}

/** Throws the 400 for what inputProblems found, if anything. */
export function assertStorable(value: unknown, place: Place): void {
  const errors = inputProblems(value, place)
  if (errors.length === 0) return
  const what = place === 'body' ? 'body field' : `${place} parameter`
  throw new ProblemError('validation_failed', `Invalid ${what}: ${[...new Set(errors.map((e) => e.name))].join(', ')}`, errors)
}

export default fp(
  async (fastify) => {
    // Before validation: text and nesting, as the client sent them (and before any route's own
    // preValidation, which instance hooks precede).
    fastify.addHook('preValidation', async (request) => {
      assertStorable(request.params, 'path')
      assertStorable(request.query, 'query')
      assertStorable(request.body, 'body')
    })
    // After validation: Ajv coerces "Infinity" and "1e309" into Infinity for an integer
    // parameter, and lets it past minimum/maximum (they skip non-finite numbers).
    fastify.addHook('preHandler', async (request) => {
      assertStorable(request.params, 'path')
      assertStorable(request.query, 'query')
    })
  },
  { name: 'input-guard', dependencies: ['problems'] },
)
