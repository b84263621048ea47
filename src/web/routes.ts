// The residents' site: server-rendered pages at / (Chinese) and /en/ (English), its assets,
// sitemap.xml and robots.txt. Pages read through the same services as the API (directory.ts),
// are cached like the API (ETag / 304 from the caching plugin, Cache-Control here), and are
// sent with a Content-Security-Policy that allows no inline script at all.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { isDatabaseUnavailable } from '../db/unavailable.js'
import { ProblemError, problemCodes } from '../http/problems.js'
import { assetsByPath } from './assets.js'
import { directory, projectCategories } from './directory.js'
import { escapeText, type Html } from './html.js'
import { languages, prefixOf, words, type Language } from './i18n.js'
import { layout, type Page } from './layout.js'
import { tileSource, type MapTiles } from './map.js'
import { aboutPage } from './pages/about.js'
import { areaPage } from './pages/area.js'
import { errorPage } from './pages/error.js'
import { facilityJsonLd, facilityPage } from './pages/facility.js'
import { homePage } from './pages/home.js'
import { projectsPage } from './pages/projects.js'
import { ResultsQuery, apiQuery, queryString, resultsPage, withPlace } from './pages/search.js'
import { honeypotField, type SuggestForm, suggestPage, suggestWords, suggestionReceived } from './pages/suggest.js'
import { suggestionBodyLimit } from '../api/v1/suggestions.js'
import type { FacilityStatus } from '../generated/prisma/enums.js'

/**
 * Scripts only from the app itself; JSON-LD is a data block, which script-src does not govern.
 * The map's tile host is allowed for images only, and only when tiles are configured.
 */
export function contentSecurityPolicy(tiles: MapTiles | undefined): string {
  const images = tiles === undefined ? "'self' data:" : `'self' data: ${tileSource(tiles.url)}`
  return (
    `default-src 'none'; script-src 'self'; style-src 'self'; img-src ${images}; connect-src 'self'; ` +
    "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
  )
}

const pageCacheControl = 'public, max-age=60'
/** The pages that show the directory's data: kept in memory while it has not changed (src/http/answer-cache.ts). */
const keepAnswers = { keepAnswers: true }

const originOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`

function send(reply: FastifyReply, page: Omit<Page, 'origin'>, request: FastifyRequest, status = 200) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', reply.server.webPolicy)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'strict-origin-when-cross-origin')
    .header('cache-control', status === 200 ? pageCacheControl : 'no-store')
    .send(layout({ ...page, origin: originOf(request) }).value)
}

/** Empty form fields ("any category", an empty age) mean "not given". */
async function dropEmptyFields(request: FastifyRequest) {
  const query = request.query as Record<string, unknown>
  for (const [name, value] of Object.entries(query)) {
    const kept = Array.isArray(value) ? value.filter((item) => item !== '') : value
    if (kept === '' || (Array.isArray(kept) && kept.length === 0)) delete query[name]
    else query[name] = kept
  }
}

function renderError(request: FastifyRequest, reply: FastifyReply, language: Language, status: number, detail?: string) {
  const { title, body } = errorPage(language, status, detail)
  return send(reply, { language, title, description: title, path: request.url, body, noindex: true }, request, status)
}

const languageOfPath = (url: string): Language => (/^\/en(\/|\?|$)/.test(url) ? 'en' : 'zh-Hans')

async function pages(instance: FastifyInstance, options: { language: Language; mapTiles?: MapTiles }) {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>()
  const { language, mapTiles } = options
  const w = words[language]
  const prefix = prefixOf(language)
  const read = directory(fastify)
  const hide = { hide: true }

  fastify.setErrorHandler((error: FastifyError | ProblemError, request, reply) => {
    if (error instanceof ProblemError) return renderError(request, reply, language, problemCodes[error.code].status, error.message)
    if (error.validation) return renderError(request, reply, language, 400, error.message)
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'the database is unavailable')
      reply.header('retry-after', '5')
      return renderError(request, reply, language, 503)
    }
    request.log.error({ err: error }, 'unhandled error')
    return renderError(request, reply, language, 500)
  })

  fastify.get('/', { schema: hide, config: keepAnswers }, async (request, reply) => {
    const [areas, recent] = await Promise.all([
      read.areas(),
      read.search({ category: projectCategories, crs: 'wgs84', sort: 'updatedAt', limit: 5 }, language),
    ])
    const body = homePage(language, { areas, recentProjects: recent.items })
    return send(reply, { language, title: w.siteName, description: w.tagline, path: `${prefix}/`, body, nearMe: true }, request)
  })

  fastify.get(
    '/search',
    { schema: { ...hide, querystring: ResultsQuery }, config: keepAnswers, preValidation: dropEmptyFields },
    async (request, reply) => {
      const query = request.query
      const place =
        query.place === undefined || query.near !== undefined ? null : { text: query.place, found: await read.place(query.place) }
      const [areas, results] = await Promise.all([read.areas(), read.search(apiQuery(withPlace(query, place)), language, { count: true })])
      const near = place?.found == null ? undefined : w.nearPlace(language === 'en' ? place.found.area.nameEn : place.found.area.nameZh)
      const title = [query.q, near, w.results].filter((part) => part !== undefined).join(' – ')
      const body = resultsPage(language, { query, results, areas, mapTiles, place })
      // Deep pages of a result list are not worth indexing; the first page is canonical as asked.
      const path = `${prefix}/search${queryString(query)}`
      return send(
        reply,
        {
          language,
          title,
          description: w.resultCount(results.total),
          path,
          body,
          noindex: query.cursor !== undefined,
          map: mapTiles !== undefined && results.items.some((item) => item.location !== null),
        },
        request,
      )
    },
  )

  fastify.get(
    '/facilities/:slug',
    { schema: { ...hide, params: Type.Object({ slug: Type.String({ maxLength: 100 }) }) }, config: keepAnswers },
    async (request, reply) => {
      const facility = await read.facility(request.params.slug, language)
      if (facility === null) return renderError(request, reply, language, 404)
      const changes = await read.statusChanges(facility.id)
      const path = `${prefix}/facilities/${encodeURIComponent(facility.slug)}`
      const body = facilityPage(language, { facility, changes, now: fastify.clock(), mapTiles })
      const description = facility.description ?? `${facility.categoryLabel} · ${facility.statusLabel} · ${facility.area.name}`
      return send(
        reply,
        {
          language,
          title: facility.name,
          description,
          path,
          body,
          head: facilityJsonLd(facility, `${originOf(request)}${path}`, language),
          map: mapTiles !== undefined && facility.location !== null,
        },
        request,
      )
    },
  )

  // "Suggest a correction": a form that works without JavaScript, posted to the suggestions service.
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: suggestionBodyLimit },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  )
  const slugParams = { ...hide, params: Type.Object({ slug: Type.String({ maxLength: 100 }) }) }
  const suggestTitle = suggestWords[language].title

  fastify.get('/facilities/:slug/suggest', { schema: slugParams }, async (request, reply) => {
    const facility = await read.facility(request.params.slug, language)
    if (facility === null) return renderError(request, reply, language, 404)
    const path = `${prefix}/facilities/${encodeURIComponent(facility.slug)}/suggest`
    const body = suggestPage(language, facility, { values: {}, errors: {} })
    return send(
      reply,
      { language, title: `${suggestTitle}: ${facility.name}`, description: suggestTitle, path, body, noindex: true },
      request,
    )
  })

  fastify.post(
    '/facilities/:slug/suggest',
    { schema: slugParams, config: { rateLimitAs: 'suggestions' }, bodyLimit: suggestionBodyLimit },
    async (request, reply) => {
      const facility = await read.facility(request.params.slug, language)
      if (facility === null) return renderError(request, reply, language, 404)
      const t = suggestWords[language]
      const path = `${prefix}/facilities/${encodeURIComponent(facility.slug)}/suggest`
      const page = (body: Html, status: number) =>
        send(
          reply,
          { language, title: `${suggestTitle}: ${facility.name}`, description: suggestTitle, path, body, noindex: true },
          request,
          status,
        )
      const posted = (request.body ?? {}) as Record<string, unknown>
      const value = (name: string) => (typeof posted[name] === 'string' ? (posted[name] as string).trim() : '')
      // A bot filled the field people never see: answered politely, nothing stored.
      if (value(honeypotField) !== '') return page(suggestionReceived(language, facility, null), 400)
      const form: SuggestForm = {
        values: Object.fromEntries(['status', 'openingHours', 'phone', 'message', 'contact'].map((name) => [name, value(name)])),
        errors: {},
      }
      const { status, openingHours, phone, message, contact } = form.values as Record<string, string>
      if (message !== undefined && message.length > 2000) form.errors.message = '≤ 2000'
      if (contact !== undefined && contact.length > 200) form.errors.contact = '≤ 200'
      const proposal = {
        ...(status !== undefined && status !== '' && { status: status as FacilityStatus }),
        ...(openingHours !== undefined && openingHours !== '' && { openingHours }),
        ...(phone !== undefined && phone !== '' && { phone }),
      }
      if (Object.keys(proposal).length === 0 && (message ?? '') === '') form.errors.message = t.empty
      if (Object.keys(form.errors).length > 0) return page(suggestPage(language, facility, form), 400)
      try {
        const receipt = await fastify.suggestions.submit(
          {
            facilityId: facility.id,
            proposal,
            message: message === '' ? undefined : message,
            contact: contact === '' ? undefined : contact,
          },
          fastify.clock(),
        )
        return page(suggestionReceived(language, facility, receipt.token), 200)
      } catch (error) {
        if (!(error instanceof ProblemError) || error.code !== 'validation_failed') throw error
        for (const fieldError of error.errors ?? []) {
          const name = fieldError.name.replace(/^\/proposal\/?/, '').split('/')[0] || 'message'
          const key = ['status', 'openingHours', 'phone'].includes(name) ? name : 'message'
          form.errors[key] = fieldError.message
        }
        return page(suggestPage(language, facility, form), 400)
      }
    },
  )

  fastify.get('/projects', { schema: hide, config: keepAnswers }, async (request, reply) => {
    const projects = await read.search({ category: projectCategories, crs: 'wgs84', sort: 'openingDate', limit: 100 }, language)
    const body = projectsPage(language, projects.items)
    return send(reply, { language, title: w.projects, description: w.projectsIntro, path: `${prefix}/projects`, body }, request)
  })

  fastify.get(
    '/areas/:id',
    { schema: { ...hide, params: Type.Object({ id: Type.String({ maxLength: 100 }) }) }, config: keepAnswers },
    async (request, reply) => {
      const [areas, sources] = await Promise.all([read.areas(), read.sources()])
      const area = areas.find((a) => a.id === request.params.id)
      if (area === undefined) return renderError(request, reply, language, 404)
      const found = await read.search({ area: area.id, crs: 'wgs84', sort: 'name', limit: 100 }, language)
      const name = language === 'en' ? area.nameEn : area.nameZh
      const body = areaPage(language, { area, areas, items: found.items, more: found.nextCursor !== null, sources })
      return send(
        reply,
        { language, title: name, description: w.areaFacilities(found.items.length), path: `${prefix}/areas/${area.id}`, body },
        request,
      )
    },
  )

  fastify.get('/about', { schema: hide }, async (request, reply) => {
    return send(reply, { language, title: w.about, description: w.about, path: `${prefix}/about`, body: aboutPage(language) }, request)
  })
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The Content-Security-Policy of the residents' pages (with the map's tile host when configured). */
    webPolicy: string
  }
}

export default fp<{ mapTiles?: MapTiles }>(
  async (fastify, options) => {
    fastify.decorate('webPolicy', contentSecurityPolicy(options.mapTiles))
    for (const language of languages) {
      await fastify.register(pages, { language, prefix: prefixOf(language), mapTiles: options.mapTiles })
    }

    fastify.notFoundPage = (request, reply) => renderError(request, reply, languageOfPath(request.url), 404)

    fastify.get('/assets/:file', { schema: { hide: true } }, async (request, reply) => {
      const asset = assetsByPath.get(request.url.split('?')[0] ?? '')
      if (asset === undefined) return renderError(request, reply, 'zh-Hans', 404)
      return reply.type(asset.type).header('cache-control', 'public, max-age=31536000, immutable').send(asset.body)
    })

    fastify.get('/robots.txt', { schema: { hide: true } }, async (request, reply) =>
      reply.type('text/plain; charset=utf-8').send(`User-agent: *\nAllow: /\nSitemap: ${originOf(request)}/sitemap.xml\n`),
    )

    fastify.get('/sitemap.xml', { schema: { hide: true } }, async (request, reply) => {
      const origin = originOf(request)
      const [slugs, areas] = await Promise.all([fastify.facilities.slugs(), fastify.areas.all()])
      const paths = ['/', '/projects', '/about', ...areas.map((a) => `/areas/${a.id}`), ...slugs.map((slug) => `/facilities/${slug}`)]
      const url = (path: string) => {
        const zh = `${origin}${path}`
        const en = `${origin}/en${path}`
        const alternates = `<xhtml:link rel="alternate" hreflang="zh-Hans" href="${escapeText(zh)}"/><xhtml:link rel="alternate" hreflang="en" href="${escapeText(en)}"/>`
        return `<url><loc>${escapeText(zh)}</loc>${alternates}</url><url><loc>${escapeText(en)}</loc>${alternates}</url>`
      }
      return reply
        .type('application/xml; charset=utf-8')
        .send(
          `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">${paths.map(url).join('')}</urlset>\n`,
        )
    })
  },
  { name: 'web', dependencies: ['problems', 'caching'] },
)
