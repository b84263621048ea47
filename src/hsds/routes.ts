// The Open Referral HSDS 3.0 profile: a read-only API under /hsds/ that apps built for the
// standard (referral platforms, 211 tools) can read as they read any compliant API. The routes
// take HSDS's parameters (page, per_page, modified_after, taxonomy filters) and answer HSDS's
// Page; errors are the API's one problem shape. docs/hsds.md documents the mapping.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type, type TSchema } from 'typebox'
import type { FacilityCategory } from '../generated/prisma/enums.js'
import { access } from '../http/access.js'
import { cacheHeaders, notModified } from '../http/caching.js'
import { languageHeaders, negotiateLanguage, setLanguage, type Language } from '../http/language.js'
import { ProblemError, problemResponses } from '../http/problems.js'
import { projectRoot } from '../project-root.js'
import { uuidPattern } from '../api/v1/params.js'
import { facilityIdOfDerived, serviceFacility, servicePage, type ServiceQuery } from './directory.js'
import { hsdsIds } from './ids.js'
import {
  categoryTaxonomy,
  categoryTerm,
  fullServiceOf,
  locationOf,
  organizationOf,
  serviceAtLocationOf,
  serviceCategories,
  serviceOf,
} from './mapping.js'
import {
  HsdsPage,
  facilityFilterParameters,
  hsdsSharedSchemas,
  pagingParameters,
  searchParameter,
  type HsdsTaxonomy,
  type HsdsTaxonomyTerm,
} from './schemas.js'

/** The HSDS version this profile follows. */
export const hsdsVersion = '3.0'

const IdParams = (what: string) =>
  Type.Object({
    id: Type.String({ pattern: uuidPattern, description: `The ${what} id (UUID).`, examples: ['0b9f3c2e-6a1d-4f7e-9c35-2d8a4b6e1f70'] }),
  })

const ok = (description: string, schema: TSchema) => ({
  200: { description, headers: { ...cacheHeaders, ...languageHeaders }, content: { 'application/json': { schema } } },
  304: notModified,
})

/** A page of HSDS items, as the standard's Page says. */
function pageOf<T>(items: T[], total: number, paging: { page: number; per_page: number }) {
  const totalPages = Math.ceil(total / paging.per_page)
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: paging.page,
    size: items.length,
    first_page: paging.page === 1,
    last_page: paging.page >= totalPages,
    empty: items.length === 0,
    contents: items,
  }
}

/** A page of static items (the taxonomy and its terms). */
function slice<T>(items: T[], paging: { page: number; per_page: number }) {
  const start = (paging.page - 1) * paging.per_page
  return pageOf(items.slice(start, start + paging.per_page), items.length, paging)
}

const hsdsRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  for (const schema of hsdsSharedSchemas) fastify.addSchema(schema)

  const languageOf = (request: FastifyRequest, reply: FastifyReply): Language => {
    const language = negotiateLanguage(request.headers['accept-language'])
    setLanguage(reply, language)
    return language
  }

  /** The HSDS filters as a query of services: taxonomy filters narrow the categories. */
  async function serviceQueryOf(query: {
    search?: string
    modified_after?: string
    taxonomy_term_id?: string
    taxonomy_id?: string
    organization_id?: string
  }): Promise<ServiceQuery | undefined> {
    let categories: FacilityCategory[] | undefined
    if (query.taxonomy_id !== undefined && query.taxonomy_id.toLowerCase() !== hsdsIds.taxonomy()) categories = []
    if (query.taxonomy_term_id !== undefined) {
      const wanted = query.taxonomy_term_id.toLowerCase()
      categories = serviceCategories.filter(
        (category) => hsdsIds.taxonomyTerm(category) === wanted && (categories ?? [category]).includes(category),
      )
    }
    let facilityId: string | undefined
    if (query.organization_id !== undefined) {
      facilityId = await facilityIdOfDerived(fastify, query.organization_id, hsdsIds.organization)
      // No such organization: nothing matches.
      if (facilityId === undefined) return undefined
    }
    return {
      ...(query.search === undefined ? {} : { search: query.search }),
      ...(query.modified_after === undefined ? {} : { modifiedAfter: new Date(query.modified_after) }),
      ...(categories === undefined ? {} : { categories }),
      ...(facilityId === undefined ? {} : { facilityId }),
    }
  }

  const profileText = readFile(path.join(projectRoot, 'docs', 'hsds.md'), 'utf8')
  // Read at start-up; a missing file is a bug the first request would otherwise hide.
  await profileText

  fastify.get(
    '/',
    {
      schema: {
        tags: ['hsds'],
        operationId: 'getHsdsApiInformation',
        security: access.anyone,
        summary: 'HSDS: this API and its relationship with HSDS',
        description: 'The HSDS version this profile follows, where its profile is described, and its OpenAPI document.',
        querystring: Type.Object({}, { additionalProperties: false }),
        response: {
          200: {
            description: 'About this HSDS API',
            headers: cacheHeaders,
            content: {
              'application/json': {
                schema: Type.Object({
                  version: Type.String({ examples: [hsdsVersion] }),
                  profile: Type.String({ format: 'uri', description: 'The Linli HSDS profile: what maps to what (GET /hsds/profile).' }),
                  openapi_url: Type.String({ format: 'uri', description: 'The OpenAPI document describing these routes (tag hsds).' }),
                }),
              },
            },
          },
          304: notModified,
          ...problemResponses(400, 401, 429, 503),
        },
      },
    },
    async (request) => {
      const origin = `${request.protocol}://${request.host}`
      return { version: hsdsVersion, profile: `${origin}/hsds/profile`, openapi_url: `${origin}/openapi.json` }
    },
  )

  fastify.get(
    '/profile',
    {
      schema: {
        tags: ['hsds'],
        operationId: 'getHsdsProfile',
        security: access.anyone,
        summary: 'HSDS: the Linli profile (what maps to what)',
        description: 'The mapping of Linli facilities onto HSDS objects, as Markdown (docs/hsds.md).',
        querystring: Type.Object({}, { additionalProperties: false }),
        response: {
          200: { description: 'The profile', headers: cacheHeaders, content: { 'text/markdown': { schema: Type.String() } } },
          304: notModified,
          ...problemResponses(400, 401, 429, 503),
        },
      },
    },
    async (_request, reply) => reply.type('text/markdown; charset=utf-8').send(await profileText),
  )

  fastify.get(
    '/services',
    {
      schema: {
        tags: ['hsds'],
        operationId: 'listHsdsServices',
        security: access.anyone,
        summary: 'HSDS: services, paged',
        description:
          'Facilities that are services (not projects), as HSDS services with their organization, in creation order. ' +
          '`full=true` gives each in full, as GET /hsds/services/{id} does. Filters combine (AND).',
        querystring: Type.Object(
          {
            ...pagingParameters,
            ...facilityFilterParameters,
            full: Type.Boolean({ default: false, description: 'Each service in full.' }),
          },
          { additionalProperties: false },
        ),
        response: {
          ...ok('A page of services', HsdsPage(Type.Ref('HsdsService'), 'HSDS Page of services')),
          ...problemResponses(400, 401, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const language = languageOf(request, reply)
      const query = await serviceQueryOf(request.query)
      const paging = { page: request.query.page, perPage: request.query.per_page }
      const { total, facilities } = query === undefined ? { total: 0, facilities: [] } : await servicePage(fastify, query, paging, language)
      const now = fastify.clock()
      const services = facilities.map((facility) =>
        request.query.full ? fullServiceOf(facility, language, now) : serviceOf(facility, language),
      )
      return pageOf(services, total, request.query)
    },
  )

  fastify.get(
    '/services/:id',
    {
      schema: {
        tags: ['hsds'],
        operationId: 'getHsdsService',
        security: access.anyone,
        summary: 'HSDS: one service in full',
        description:
          'With its organization, phones, schedules (the regular week), service at location with its location and ' +
          'accessibility, and its category as an attribute. The id is the Linli facility id; a project is a 404.',
        params: IdParams('service (facility)'),
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { ...ok('The service', Type.Ref('HsdsService')), ...problemResponses(400, 401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const language = languageOf(request, reply)
      const facility = await serviceFacility(fastify, request.params.id, language)
      if (facility === undefined) throw new ProblemError('not_found', `There is no service with id ${request.params.id}`)
      return fullServiceOf(facility, language, fastify.clock())
    },
  )

  const facilityList = (
    url: string,
    options: { operationId: string; summary: string; description: string; item: string; filters: 'all' | 'text' },
    present: (facility: Parameters<typeof serviceOf>[0], language: Language) => unknown,
  ) => {
    const filters =
      options.filters === 'all' ? facilityFilterParameters : { ...searchParameter, modified_after: facilityFilterParameters.modified_after }
    fastify.get(
      url,
      {
        schema: {
          tags: ['hsds'],
          operationId: options.operationId,
          security: access.anyone,
          summary: options.summary,
          description: options.description,
          querystring: Type.Object({ ...pagingParameters, ...filters }, { additionalProperties: false }),
          response: {
            ...ok(`A page of ${options.item}s`, HsdsPage(Type.Ref(options.item), `HSDS Page of ${options.item}`)),
            ...problemResponses(400, 401, 429, 503),
          },
        },
      },
      async (request, reply) => {
        const language = languageOf(request, reply)
        const query = await serviceQueryOf(request.query)
        const paging = { page: request.query.page, perPage: request.query.per_page }
        const { total, facilities } =
          query === undefined ? { total: 0, facilities: [] } : await servicePage(fastify, query, paging, language)
        return pageOf(
          facilities.map((facility) => present(facility, language)),
          total,
          request.query,
        )
      },
    )
  }

  facilityList(
    '/organizations',
    {
      operationId: 'listHsdsOrganizations',
      summary: 'HSDS: organizations, paged',
      description: 'One organization per service: the facility as the body that runs it. Same order and filters as /hsds/services.',
      item: 'HsdsOrganization',
      filters: 'all',
    },
    (facility) => organizationOf(facility),
  )
  facilityList(
    '/locations',
    {
      operationId: 'listHsdsLocations',
      summary: 'HSDS: locations, paged',
      description: 'One location per service, with its accessibility features. Exact sites only carry latitude/longitude.',
      item: 'HsdsLocation',
      filters: 'text',
    },
    locationOf,
  )
  facilityList(
    '/service_at_locations',
    {
      operationId: 'listHsdsServiceAtLocations',
      summary: 'HSDS: services at locations, paged',
      description: 'One per service, with the service and its location.',
      item: 'HsdsServiceAtLocation',
      filters: 'all',
    },
    serviceAtLocationOf,
  )

  fastify.get(
    '/taxonomies',
    {
      schema: {
        tags: ['hsds'],
        operationId: 'listHsdsTaxonomies',
        security: access.anyone,
        summary: 'HSDS: taxonomies',
        description: 'One taxonomy: the Linli service categories.',
        querystring: Type.Object({ ...pagingParameters, ...searchParameter }, { additionalProperties: false }),
        response: {
          ...ok('A page of taxonomies', HsdsPage(Type.Ref('HsdsTaxonomy'), 'HSDS Page of taxonomies')),
          ...problemResponses(400, 401, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const language = languageOf(request, reply)
      const taxonomies: HsdsTaxonomy[] = [categoryTaxonomy(language)].filter((taxonomy) => matchesText(request.query.search, taxonomy))
      return slice(taxonomies, request.query)
    },
  )

  fastify.get(
    '/taxonomies/:id',
    {
      schema: {
        tags: ['hsds'],
        operationId: 'getHsdsTaxonomy',
        security: access.anyone,
        summary: 'HSDS: one taxonomy',
        description: 'The Linli service categories, the one taxonomy this profile has.',
        params: IdParams('taxonomy'),
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { ...ok('The taxonomy', Type.Ref('HsdsTaxonomy')), ...problemResponses(400, 401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const language = languageOf(request, reply)
      const taxonomy = categoryTaxonomy(language)
      if (request.params.id.toLowerCase() !== taxonomy.id)
        throw new ProblemError('not_found', `There is no taxonomy with id ${request.params.id}`)
      return taxonomy
    },
  )

  fastify.get(
    '/taxonomy_terms',
    {
      schema: {
        tags: ['hsds'],
        operationId: 'listHsdsTaxonomyTerms',
        security: access.anyone,
        summary: 'HSDS: taxonomy terms',
        description: 'The service categories. The vocabulary is flat: every term is a top term and none has a parent.',
        querystring: Type.Object(
          {
            ...pagingParameters,
            ...searchParameter,
            taxonomy_id: Type.Optional(Type.String({ description: 'Only terms of this taxonomy.' })),
            top_only: Type.Optional(Type.Boolean({ description: 'Only terms without a parent (here: all).' })),
            parent_id: Type.Optional(Type.String({ description: 'Only children of this term (here: none).' })),
          },
          { additionalProperties: false },
        ),
        response: {
          ...ok('A page of taxonomy terms', HsdsPage(Type.Ref('HsdsTaxonomyTerm'), 'HSDS Page of taxonomy terms')),
          ...problemResponses(400, 401, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const language = languageOf(request, reply)
      const { taxonomy_id: taxonomyId, parent_id: parentId, search } = request.query
      const terms: HsdsTaxonomyTerm[] =
        parentId !== undefined || (taxonomyId !== undefined && taxonomyId.toLowerCase() !== hsdsIds.taxonomy())
          ? []
          : serviceCategories.map((category) => categoryTerm(category, language)).filter((term) => matchesText(search, term))
      return slice(terms, request.query)
    },
  )

  fastify.get(
    '/taxonomy_terms/:id',
    {
      schema: {
        tags: ['hsds'],
        operationId: 'getHsdsTaxonomyTerm',
        security: access.anyone,
        summary: 'HSDS: one taxonomy term',
        description: 'A service category, in the response language.',
        params: IdParams('taxonomy term'),
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { ...ok('The taxonomy term', Type.Ref('HsdsTaxonomyTerm')), ...problemResponses(400, 401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const language = languageOf(request, reply)
      const category = serviceCategories.find((candidate) => hsdsIds.taxonomyTerm(candidate) === request.params.id.toLowerCase())
      if (category === undefined) throw new ProblemError('not_found', `There is no taxonomy term with id ${request.params.id}`)
      return categoryTerm(category, language)
    },
  )
}

/** Whether a taxonomy or term's name, code or description contains the text (case-insensitive). */
function matchesText(search: string | undefined, item: { name: string; description: string; code?: string }): boolean {
  if (search === undefined) return true
  const needle = search.toLowerCase()
  return [item.name, item.description, item.code ?? ''].some((value) => value.toLowerCase().includes(needle))
}

export default hsdsRoutes
