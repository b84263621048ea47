// Validators and serializers compiled once per process. Compiling the routes' schemas (Ajv for
// requests, fast-json-stringify for responses) was most of what building the app cost: about
// 1.5 s of CPU. A server builds one app, but the tests build hundreds from the same schemas, so a
// compiled function is kept for the next app whose schema, shared schemas and options are the same.
import ValidatorSelector from '@fastify/ajv-compiler'
import SerializerSelector from '@fastify/fast-json-stringify-compiler'

interface RouteSchema {
  schema?: unknown
  httpPart?: string
}
type Factory<Externals, Options, Route extends RouteSchema, Compiled> = (
  externalSchemas: Externals,
  options: Options,
) => (route: Route) => Compiled

function compiledOnce<E, O, R extends RouteSchema, C>(factory: Factory<E, O, R, C>): Factory<E, O, R, C> {
  // Each distinct set of shared schemas and options is numbered, so that a key stays short.
  const contexts = new Map<string, number>()
  const compiled = new Map<string, C>()
  return (externalSchemas, options) => {
    // Fastify asks for a compiler per plugin context, over a hundred times an app; the factory
    // itself (its pool key is the shared schemas as JSON) is called only for a schema not yet compiled.
    let compile: ((route: R) => C) | undefined
    const contextKey = `${fingerprintOf(externalSchemas)}|${JSON.stringify(options)}`
    const context = contexts.get(contextKey) ?? contexts.size
    contexts.set(contextKey, context)
    return (route) => {
      const key = `${context}:${route.httpPart ?? ''}:${JSON.stringify(route.schema)}`
      let result = compiled.get(key)
      if (result === undefined) {
        compile ??= factory(externalSchemas, options)
        result = compile(route)
        compiled.set(key, result)
      }
      return result
    }
  }
}

/** Each shared schema's number: the same for schemas of the same JSON, and for the same object (never changed once added). */
const schemaNumbers = new WeakMap<object, number>()
const schemaNumbersByText = new Map<string, number>()

/**
 * The shared schemas, as their names and numbers: Fastify hands the same schema objects to every
 * context, and writing all of them as JSON (~57 KB) for each of its hundred-odd requests was a fifth
 * of what building an app cost.
 */
function fingerprintOf(externalSchemas: unknown): string {
  if (typeof externalSchemas !== 'object' || externalSchemas === null) return JSON.stringify(externalSchemas)
  const parts: string[] = []
  for (const [name, schema] of Object.entries(externalSchemas)) {
    if (typeof schema !== 'object' || schema === null) {
      parts.push(`${name}=${JSON.stringify(schema)}`)
      continue
    }
    let number = schemaNumbers.get(schema)
    if (number === undefined) {
      const text = JSON.stringify(schema)
      number = schemaNumbersByText.get(text) ?? schemaNumbersByText.size
      schemaNumbersByText.set(text, number)
      schemaNumbers.set(schema, number)
    }
    parts.push(`${name}=${number}`)
  }
  return parts.join(',')
}

/**
 * With a validator factory of its own, Fastify no longer lower-cases the property names of a
 * headers schema (request header names arrive in lower case): they are written in lower case here,
 * and a schema that is not is refused when the app is built, instead of never matching.
 */
function headerNamesInLowerCase(route: RouteSchema): void {
  const properties = (route.schema as { properties?: object } | undefined)?.properties ?? {}
  const named = Object.keys(properties).find((name) => name !== name.toLowerCase())
  if (route.httpPart === 'headers' && named !== undefined)
    throw new Error(`Request header "${named}" must be named in lower case in its schema`)
}

const validators = compiledOnce(ValidatorSelector())

export const compilersFactory = {
  buildValidator: ((externalSchemas, options) => {
    const compile = validators(externalSchemas, options)
    return (route) => {
      headerNamesInLowerCase(route)
      return compile(route)
    }
  }) satisfies typeof validators,
  buildSerializer: compiledOnce(SerializerSelector()),
}
