// The server keeps the promise its OpenAPI document makes: every response the tests receive is
// checked against the document the app itself generates — status code, content type, the headers
// it promises and the body — so a route cannot answer something the contract does not describe.
// Routes added later are checked as soon as they exist, from their own schemas.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { FastifyInstance, HTTPMethods, InjectOptions, LightMyRequestResponse } from 'fastify'

interface Header {
  required?: boolean
  schema: object
}
interface Response {
  headers?: Record<string, Header>
  content?: Record<string, { schema: object }>
}
interface Operation {
  operationId?: string
  requestBody?: { content: Record<string, { schema: object }> }
  responses: Record<string, Response>
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, object> }
}

/** One request and the response it got, as it went over the wire. */
export interface Exchange {
  method: string
  url: string
  statusCode: number
  headers: Record<string, string | string[] | number | undefined>
  body: string
  /** The request's body as sent, when the test knows it (not a stream), and its Content-Type. */
  request?: { contentType: string | undefined; body: string }
}

const documentId = 'urn:linli:openapi'
const pointer = (...parts: string[]) => parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')
const isJson = (mediaType: string) => mediaType === 'application/json' || mediaType.endsWith('+json')

export class Contract {
  readonly #ajv: Ajv2020
  readonly #validators = new Map<string, ValidateFunction>()
  /** Path templates as patterns, literal ones first, as the router prefers them. */
  readonly #paths: { template: string; pattern: RegExp }[]

  constructor(readonly document: OpenApiDocument) {
    this.#ajv = new Ajv2020({ strict: false, allErrors: true })
    addFormats.default(this.#ajv)
    // The whole document is one schema: operations' schemas are reached by JSON Pointer, and their
    // `#/components/schemas/…` references resolve within it.
    this.#ajv.addSchema({ ...document, $id: documentId })
    this.#paths = Object.keys(document.paths)
      .map((template) => ({
        template,
        parameters: (template.match(/\{[^}]+\}/g) ?? []).length,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}/?$`),
      }))
      .sort((a, b) => a.parameters - b.parameters)
  }

  #validator(location: string): ValidateFunction {
    let validate = this.#validators.get(location)
    if (validate === undefined) {
      validate = this.#ajv.compile({ $ref: `${documentId}#${location}` })
      this.#validators.set(location, validate)
    }
    return validate
  }

  #errors(location: string, value: unknown, name = 'body'): string | undefined {
    const validate = this.#validator(location)
    if (validate(value)) return undefined
    return this.#ajv.errorsText(validate.errors, { dataVar: name })
  }

  /** The operation a request is for, or undefined when no documented operation answers it. */
  operationOf(method: string, url: string): { template: string; method: string } | undefined {
    const path = new URL(url, 'http://localhost').pathname
    const documented = method === 'HEAD' ? 'get' : method.toLowerCase()
    const template = this.#paths.find(
      (candidate) => candidate.pattern.test(path) && this.document.paths[candidate.template]?.[documented],
    )?.template
    return template === undefined ? undefined : { template, method: documented }
  }

  /** What in the response the document does not describe; empty when it keeps the contract. */
  mismatches(exchange: Exchange): string[] {
    const operation = this.operationOf(exchange.method, exchange.url)
    if (operation === undefined) {
      // Not an operation of the API: the only answer is the route_not_found problem (or, for a
      // page of the residents' site outside the API's paths, its HTML "not found" page).
      if (exchange.statusCode !== 404) return [`${exchange.statusCode} from an undocumented endpoint`]
      const contentType = String(exchange.headers['content-type'] ?? '')
      const path = new URL(exchange.url, 'http://localhost').pathname
      if (!/^\/(v[0-9]+|health|openapi|docs|hsds|mcp)(\/|\.|$)/.test(path) && contentType.startsWith('text/html')) return []
      if (!contentType.startsWith('application/problem+json')) return [`404 as ${contentType}, not a problem`]
      const errors = this.#errors(`/${pointer('components', 'schemas', 'Problem')}`, JSON.parse(exchange.body))
      return errors === undefined ? [] : [errors]
    }
    const { template, method } = operation
    const responses = this.document.paths[template]![method]!.responses
    const status = String(exchange.statusCode)
    const documentedStatus = [status, `${status[0]}XX`, 'default'].find((key) => responses[key] !== undefined)
    if (documentedStatus === undefined) return [`status ${status} is not documented`]
    const response = responses[documentedStatus]!
    const at = `/${pointer('paths', template, method, 'responses', documentedStatus)}`
    const mismatches: string[] = [...this.#requestMismatches(exchange, template, method)]

    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = exchange.headers[name.toLowerCase()]
      if (value === undefined) {
        if (header.required === true) mismatches.push(`header ${name} is missing`)
        continue
      }
      const errors = this.#errors(`${at}/${pointer('headers', name, 'schema')}`, String(value), name)
      if (errors !== undefined) mismatches.push(errors)
    }

    const mediaType = String(exchange.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase()
    if (response.content === undefined) {
      if (exchange.body !== '') mismatches.push(`a body (${mediaType}) where the document describes none`)
      return mismatches
    }
    if (exchange.method === 'HEAD') return mismatches
    if (response.content[mediaType] === undefined) {
      return [...mismatches, `content type ${mediaType || '(none)'} is not documented (${Object.keys(response.content).join(', ')})`]
    }
    let body: unknown = exchange.body
    if (isJson(mediaType)) {
      try {
        body = JSON.parse(exchange.body)
      } catch {
        return [...mismatches, `the ${mediaType} body is not JSON`]
      }
    }
    const errors = this.#errors(`${at}/${pointer('content', mediaType, 'schema')}`, body)
    if (errors !== undefined) mismatches.push(`body: ${errors}`)
    return mismatches
  }

  /**
   * A request the server accepted (2xx) must be one the document allows: its media type declared
   * and its body valid. (Requests refused with a 4xx are the tests of what the server refuses.)
   */
  #requestMismatches(exchange: Exchange, template: string, method: string): string[] {
    const declared = this.document.paths[template]![method]!.requestBody
    if (exchange.request === undefined || exchange.statusCode >= 300 || declared === undefined) return []
    const mediaType = (exchange.request.contentType ?? '').split(';')[0]!.trim().toLowerCase()
    if (declared.content[mediaType] === undefined) {
      return [`the request's content type ${mediaType || '(none)'} is not documented (${Object.keys(declared.content).join(', ')})`]
    }
    let body: unknown = exchange.request.body
    if (isJson(mediaType)) {
      try {
        body = JSON.parse(exchange.request.body)
      } catch {
        return [`the ${mediaType} request body is not JSON`]
      }
    }
    const at = `/${pointer('paths', template, method, 'requestBody', 'content', mediaType, 'schema')}`
    const errors = this.#errors(at, body, 'requestBody')
    return errors === undefined ? [] : [`request ${errors}`]
  }

  /** Throws, naming the request and what the document does not describe, when the response breaks the contract. */
  check(exchange: Exchange): void {
    const mismatches = this.mismatches(exchange)
    if (mismatches.length === 0) return
    throw new Error(
      `${exchange.method} ${exchange.url} answered ${exchange.statusCode}, which breaks the OpenAPI contract:\n- ${mismatches.join('\n- ')}`,
    )
  }
}

const headerOf = (options: InjectOptions | string, name: string): string | undefined => {
  if (typeof options === 'string') return undefined
  const entry = Object.entries(options.headers ?? {}).find(([key]) => key.toLowerCase() === name)
  return entry === undefined ? undefined : String(entry[1])
}

/**
 * Makes every `app.inject()` of a test check its response against the app's own document;
 * a mismatch rejects the injection, and so fails the test. Routes hidden from the document
 * (the document itself, the docs UI) are left alone.
 */
/**
 * The contract of a document, compiled once per test process: apps built alike generate the same
 * document, and compiling its validators again for every app cost more than most tests.
 */
const contracts = new Map<string, Contract>()
function contractOf(document: OpenApiDocument): Contract {
  const text = JSON.stringify(document)
  let contract = contracts.get(text)
  if (contract === undefined) {
    contract = new Contract(JSON.parse(text) as OpenApiDocument)
    contracts.set(text, contract)
  }
  return contract
}

export function enforceContract(app: FastifyInstance): void {
  let contract: Contract | undefined
  const inject = app.inject.bind(app) as (options: InjectOptions | string) => Promise<LightMyRequestResponse>
  const checked = async (options: InjectOptions | string) => {
    const response = await inject(options)
    const { method = 'GET', url = '/' } = response.raw.req
    contract ??= contractOf(app.swagger() as unknown as OpenApiDocument)
    const path = new URL(url, 'http://localhost').pathname
    const hidden = contract.operationOf(method, url) === undefined && app.findRoute({ method: method as HTTPMethods, url: path }) !== null
    const sent = typeof options === 'string' ? undefined : (options.payload ?? options.body)
    const request =
      typeof sent === 'string' || Buffer.isBuffer(sent)
        ? { contentType: headerOf(options, 'content-type'), body: sent.toString() }
        : sent !== undefined && sent !== null && typeof sent === 'object' && !('pipe' in sent)
          ? { contentType: headerOf(options, 'content-type') ?? 'application/json', body: JSON.stringify(sent) }
          : undefined
    if (!hidden) {
      contract.check({ method, url, statusCode: response.statusCode, headers: response.headers, body: response.body, request })
    }
    return response
  }
  // Only the promise form of inject() is used by the tests.
  app.inject = checked as unknown as typeof app.inject
}
