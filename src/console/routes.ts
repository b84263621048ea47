// The staff console's pages under /staff: server-rendered, in Chinese or English, working without
// JavaScript. Every page needs a signed-in session (src/console/session.ts) and acts as the
// session's key would: the same services the JSON API calls (fastify.facilities, .suggestions,
// .clients), with the key's role and scope (fastify.scopeOf), so there is one write path. Every
// form post carries the session's CSRF token (checked by the session plugin before any handler);
// a post with bad input is answered with the form again — the person's values, a message next to
// each wrong field — never a 500 and never a lost edit.
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import multipart from '@fastify/multipart'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { canonicalDocument, documentOf, type FacilityDocument } from '../facilities/document.js'
import { presentFacility } from '../facilities/presenter.js'
import { FacilityCategory, FacilityStatus } from '../generated/prisma/enums.js'
import type { ClientRole } from '../generated/prisma/enums.js'
import { isDatabaseUnavailable } from '../db/unavailable.js'
import { ProblemError } from '../http/problems.js'
import { actorOf } from '../plugins/auth.js'
import { contentSecurityPolicy } from '../web/routes.js'
import { assets } from '../web/assets.js'
import { uuidPattern } from '../domain/ids.js'
import { categories } from '../domain/categories.js'
import { documentFieldOf, documentFrom, formErrorsOf, formFields, formValuesFrom, formValuesOf } from './facility-form.js'
import { consoleWords, languageCookie, type Language } from './i18n.js'
import { checkedValues, consoleLayout, type ConsolePage, type FormState } from './layout.js'
import { conflictPage, editPage, type MergeRow } from './pages/edit.js'
import { historyPage } from './pages/history.js'
import { homePage } from './pages/home.js'
import { importPage } from './pages/import.js'
import { keysPage } from './pages/keys.js'
import { errorBody, signInPage } from './pages/sign-in.js'
import { statusPage } from './pages/status.js'
import { reviewPage, suggestionsPage } from './pages/suggestions.js'
import { cookieValue, staffPath } from './session.js'

/** Thrown by a page that needs a session when there is none: the answer is the sign-in page. */
class SignInFirst extends Error {}

const rank: Record<ClientRole, number> = { reader: 1, editor: 2, admin: 3 }
const uuid = new RegExp(uuidPattern)
/** Files a person uploads to import: a few thousand rows. */
const maxImportBytes = 5 * 1024 * 1024

/** The residents' site's policy without map tiles: the console draws no map. */
const consolePolicy = contentSecurityPolicy(undefined)

type Body = Record<string, unknown>
const str = (body: Body, name: string) => {
  const value = body[name]
  return typeof value === 'string' ? value.trim() : Buffer.isBuffer(value) ? value.toString('utf8') : ''
}

export const languageOf = (request: FastifyRequest): Language =>
  cookieValue(request.headers.cookie, languageCookie) === 'en' ? 'en' : 'zh-Hans'

function sendPage(reply: FastifyReply, page: Omit<ConsolePage, 'session'>, request: FastifyRequest, status = 200) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', consolePolicy)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('cache-control', 'no-store')
    .send(consoleLayout({ ...page, session: request.staffSession }).value)
}

/** The session of a page, with at least this role: else the sign-in page, or 403. */
function need(request: FastifyRequest, role: ClientRole) {
  const session = request.staffSession
  if (session === null) throw new SignInFirst()
  if (rank[session.client.role] < rank[role]) {
    const w = consoleWords[languageOf(request)]
    throw new ProblemError('forbidden', role === 'admin' ? w.adminOnly : `${w.forbidden}: ${role}`)
  }
  return session
}

const problemOf = (error: unknown, ...codes: ProblemError['code'][]) =>
  error instanceof ProblemError && codes.includes(error.code) ? error : undefined

export default async function consoleRoutes(fastify: FastifyInstance) {
  // Uploads (the import): the fields, the file among them, are read before the CSRF check runs.
  await fastify.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: maxImportBytes, files: 1, fields: 10, fieldSize: 2 * maxImportBytes },
  })

  // Scheduled status changes due by now are applied before a page shows a status.
  fastify.addHook('onRequest', async (request) => {
    try {
      await fastify.statusSchedule.catchUp()
    } catch (error) {
      request.log.warn({ err: error }, 'could not apply scheduled status changes')
    }
  })

  fastify.setErrorHandler((error: FastifyError | ProblemError, request, reply) => {
    const language = languageOf(request)
    const w = consoleWords[language]
    if (error instanceof SignInFirst) return reply.code(303).header('location', staffPath).send()
    const page = (status: number, title: string, detail?: string) =>
      sendPage(reply, { language, title, path: request.url, body: errorBody(language, title, detail) }, request, status)
    if (error instanceof ProblemError) {
      const title = error.status === 403 ? w.forbidden : error.status === 404 ? w.notFound : w.errorTitle
      return page(error.status, title, error.message)
    }
    if (error.code === 'FST_REQ_FILE_TOO_LARGE' || error.statusCode === 413) {
      const session = request.staffSession
      if (session !== null) {
        const body = importPage(language, { csrfToken: session.csrfToken, form: { values: {}, errors: { file: w.fileTooBig } } })
        return sendPage(reply, { language, title: w.importTitle, path: `${staffPath}/import`, body, section: 'import' }, request, 413)
      }
    }
    if (error.validation !== undefined || (error.statusCode !== undefined && error.statusCode < 500)) {
      return page(error.statusCode ?? 400, w.errorTitle, error.message)
    }
    if (isDatabaseUnavailable(error)) {
      reply.header('retry-after', '5')
      return page(503, w.errorTitle)
    }
    request.log.error({ err: error }, 'unhandled error')
    return page(500, w.errorTitle)
  })

  const hide = { hide: true }
  const areasOf = async () => (await fastify.areas.all()).map((a) => ({ id: a.id, nameZh: a.nameZh, nameEn: a.nameEn }))

  /** The facility of a page, if it exists, in full and as a document. */
  async function facilityOf(request: FastifyRequest, id: string) {
    if (!uuid.test(id)) throw new ProblemError('not_found', `There is no facility ${id}`)
    const record = await fastify.facilities.byId(id.toLowerCase())
    if (record === undefined) throw new ProblemError('not_found', `There is no facility ${id}`)
    const language = languageOf(request)
    return {
      record,
      document: documentOf(record),
      facility: presentFacility(record, { language, crs: 'wgs84', now: fastify.clock() }),
    }
  }

  fastify.get('/staff/language', { schema: hide }, async (request, reply) => {
    const { to, back } = request.query as { to?: string; back?: string }
    const language = to === 'en' ? 'en' : 'zh-Hans'
    const target = typeof back === 'string' && /^\/staff(\/|\?|$)/.test(back) ? back : staffPath
    return reply
      .code(303)
      .header('set-cookie', `${languageCookie}=${language}; Path=${staffPath}; SameSite=Lax; Max-Age=31536000`)
      .header('location', target)
      .send()
  })

  // ------------------------------------------------------------ my facilities

  fastify.get(staffPath, { schema: hide }, async (request, reply) => {
    const language = languageOf(request)
    const w = consoleWords[language]
    const session = request.staffSession
    const query = request.query as Record<string, string | undefined>
    if (session === null) {
      const body = signInPage(language, query.signIn === 'failed')
      return sendPage(reply, { language, title: w.signInTitle, path: request.url, body }, request, query.signIn === 'failed' ? 401 : 200)
    }
    const { client } = session
    const scope = client.role === 'editor' ? client : { areaIds: [], categories: [] }
    const category = categories.find((c) => c === query.category)
    const status = Object.values(FacilityStatus).find((s) => s === query.status)
    const areas = await areasOf()
    const area = areas.find((a) => a.id === query.area)?.id
    const q = (query.q ?? '').slice(0, 100)
    const limit = 100
    const [found, attention, suggestions] = await Promise.all([
      fastify.facilities.forStaff(scope, { q, category, status, area, limit }),
      fastify.facilities.attention(scope, fastify.clock()),
      client.role === 'reader' ? Promise.resolve([]) : fastify.suggestions.list({ state: 'pending', limit: 20 }, scope),
    ])
    const filters: FormState = { values: { q, category: category ?? '', status: status ?? '', area: area ?? '' }, errors: {} }
    const body = homePage(language, {
      client: { name: client.name, role: client.role, areaIds: client.areaIds, categories: client.categories },
      filters,
      facilities: found.slice(0, limit),
      more: found.length > limit,
      areas,
      attention,
      suggestions: suggestions.slice(0, 20),
    })
    return sendPage(reply, { language, title: w.myFacilities, path: request.url, body, section: 'facilities' }, request)
  })

  // ------------------------------------------------------------ edit

  fastify.get('/staff/facilities/:id', { schema: hide }, async (request, reply) => {
    const session = need(request, 'editor')
    const language = languageOf(request)
    const w = consoleWords[language]
    const { id } = request.params as { id: string }
    const { document, facility, record } = await facilityOf(request, id)
    ;(await fastify.scopeOf(request))(document)
    const done = (request.query as { saved?: string }).saved
    const body = editPage(language, {
      facility,
      form: { values: formValuesOf(document), errors: {} },
      version: record.version,
      reason: '',
      areas: await areasOf(),
      csrfToken: session.csrfToken,
      message: done === '1' ? w.saved : done === '0' ? w.unchanged : undefined,
      now: fastify.clock(),
    })
    return sendPage(reply, { language, title: w.editTitle(facility.name), path: request.url, body, section: 'facilities' }, request)
  })

  /** The document as it was at a version, rebuilt from the change log (the base of a merge). */
  async function documentAt(id: string, current: FacilityDocument, version: number): Promise<FacilityDocument> {
    const history = await fastify.changeFeed.history(id, { limit: 500 })
    const restored: Record<string, unknown> = { ...current }
    const seen = new Set<string>()
    // Newest first: the oldest change after the version holds the value the field had at it.
    const later = (history?.changes ?? []).filter((change) => change.version > version).reverse()
    for (const change of later) {
      for (const field of change.fields) {
        if (seen.has(field.field)) continue
        seen.add(field.field)
        if (field.oldValue === null) delete restored[field.field]
        else restored[field.field] = field.oldValue
      }
    }
    return canonicalDocument(restored as FacilityDocument)
  }

  /** The merge view: the person's values against the saved ones, field by field. */
  async function conflict(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    mine: Record<string, string>,
    baseVersion: number,
    picks: Record<string, string>,
    errors: Record<string, string> = {},
  ) {
    const session = need(request, 'editor')
    const language = languageOf(request)
    const w = consoleWords[language]
    const { document, facility, record } = await facilityOf(request, id)
    const theirs = formValuesOf(document)
    const base = formValuesOf(Number.isInteger(baseVersion) && baseVersion > 0 ? await documentAt(id, document, baseVersion) : document)
    const rows: MergeRow[] = []
    const carried: Record<string, string> = {}
    for (const field of formFields) {
      const [m, t, b] = [mine[field] ?? '', theirs[field] ?? '', base[field] ?? '']
      if (m === t) {
        carried[field] = m
        continue
      }
      const byThem = b !== t
      const byMe = b !== m
      const changedBy = byThem && byMe ? 'both' : byThem ? 'them' : 'you'
      const picked = picks[field] === 'mine' || picks[field] === 'theirs' ? (picks[field] as 'mine' | 'theirs') : undefined
      rows.push({
        field,
        mine: m,
        theirs: t,
        changedBy,
        choice: picked ?? (changedBy === 'both' ? undefined : changedBy === 'them' ? 'theirs' : 'mine'),
      })
    }
    const body = conflictPage(language, {
      facility,
      version: record.version,
      baseVersion: Number.isInteger(baseVersion) ? baseVersion : record.version,
      rows,
      carried,
      reason: str(request.body as Body, 'reason'),
      errors,
      csrfToken: session.csrfToken,
    })
    return sendPage(reply, { language, title: w.conflictTitle, path: request.url, body, section: 'facilities' }, request, 409)
  }

  fastify.post('/staff/facilities/:id', { schema: hide }, async (request, reply) => {
    const session = need(request, 'editor')
    const language = languageOf(request)
    const w = consoleWords[language]
    const { id: rawId } = request.params as { id: string }
    const { document: current, facility, record } = await facilityOf(request, rawId)
    const id = record.id
    const authorize = await fastify.scopeOf(request)
    authorize(current)
    const body = (request.body ?? {}) as Body
    const version = Number(str(body, 'version'))
    const reason = str(body, 'reason').slice(0, 500)
    let values: Record<string, string>
    if (str(body, 'merge') === '1') {
      // A merge: the carried values, and for each field shown side by side the value picked.
      values = formValuesFrom(body)
      const picks: Record<string, string> = {}
      const unpicked: Record<string, string> = {}
      const mine: Record<string, string> = { ...values }
      for (const field of formFields) {
        if (body[`mine:${field}`] === undefined) continue
        mine[field] = str(body, `mine:${field}`)
        const pick = str(body, `pick:${field}`)
        picks[field] = pick
        if (pick === 'theirs') values[field] = str(body, `theirs:${field}`)
        else if (pick === 'mine') values[field] = mine[field]
        else unpicked[field] = w.pickOne
      }
      const baseVersion = Number(str(body, 'base'))
      if (Object.keys(unpicked).length > 0) return conflict(request, reply, id, mine, baseVersion, picks, unpicked)
    } else {
      values = { ...formValuesFrom(body), accessibility: checkedValues(body, 'accessibility') }
    }
    if (version !== record.version) return conflict(request, reply, id, values, version, {})

    const showForm = async (errors: Record<string, string>, general: string[], status: number) => {
      const page = editPage(language, {
        facility,
        form: { values, errors, general },
        version,
        reason,
        areas: await areasOf(),
        csrfToken: session.csrfToken,
        now: fastify.clock(),
      })
      return sendPage(
        reply,
        { language, title: w.editTitle(facility.name), path: request.url, body: page, section: 'facilities' },
        request,
        status,
      )
    }
    const { document, errors } = documentFrom(current, values, { required: w.required, notNumber: w.notNumber, notInteger: w.notInteger })
    const general: string[] = []
    // The facility's validation checks a document's shape before the rules across its fields: a
    // field already found wrong (or wrong in shape) is validated at its saved value, so that one
    // answer names every wrong field.
    let candidate: Record<string, unknown> = { ...document }
    const substitute = (fields: Iterable<string>) => {
      for (const field of fields) {
        const top = documentFieldOf(field)
        candidate[top] = (current as Record<string, unknown>)[top]
      }
    }
    substitute(Object.keys(errors))
    for (let round = 0; round < 3; round++) {
      try {
        await fastify.facilities.validate(candidate)
        break
      } catch (error) {
        const refused = problemOf(error, 'validation_failed')
        if (refused === undefined) throw error
        const mapped = formErrorsOf(refused.errors ?? [], candidate as FacilityDocument)
        for (const [field, message] of Object.entries(mapped.errors)) errors[field] ??= message
        general.push(...mapped.general.filter((message) => !general.includes(message)))
        const wrong = (refused.errors ?? []).map((e) => e.name.split('/')[1] ?? '')
        candidate = { ...candidate }
        for (const top of wrong) candidate[top] = (current as Record<string, unknown>)[top]
        if (mapped.general.length > 0 && wrong.every((top) => top === '')) break
      }
    }
    if (Object.keys(errors).length > 0 || general.length > 0) return showForm(errors, general, 400)
    try {
      const result = await fastify.facilities.update(id, () => document, {
        actor: actorOf(request),
        reason: reason === '' ? undefined : reason,
        now: fastify.clock(),
        ifMatch: [version],
        authorize,
      })
      return reply
        .code(303)
        .header('location', `${staffPath}/facilities/${id}?saved=${result.changed ? 1 : 0}`)
        .send()
    } catch (error) {
      if (problemOf(error, 'version_mismatch') !== undefined) return conflict(request, reply, id, values, version, {})
      const refused = problemOf(error, 'validation_failed', 'conflict')
      if (refused === undefined) throw error
      const mapped = formErrorsOf(refused.errors ?? [], document)
      return showForm(
        mapped.errors,
        mapped.general.length > 0 || Object.keys(mapped.errors).length > 0 ? mapped.general : [refused.message],
        400,
      )
    }
  })

  // ------------------------------------------------------------ status

  async function showStatus(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { form?: FormState; cancelForm?: { changeId: number; form: FormState }; message?: string },
    status = 200,
  ) {
    const session = need(request, 'editor')
    const language = languageOf(request)
    const w = consoleWords[language]
    const { document, facility, record } = await facilityOf(request, id)
    ;(await fastify.scopeOf(request))(document)
    const changes = (await fastify.facilities.statusChanges(record.id)) ?? []
    const body = statusPage(language, {
      facility,
      changes,
      form: extra.form ?? { values: { when: 'now' }, errors: {} },
      cancelForm: extra.cancelForm,
      csrfToken: session.csrfToken,
      message: extra.message,
    })
    return sendPage(
      reply,
      { language, title: w.statusTitle(facility.name), path: request.url, body, section: 'facilities' },
      request,
      status,
    )
  }

  fastify.get('/staff/facilities/:id/status', { schema: hide }, async (request, reply) => {
    const w = consoleWords[languageOf(request)]
    const done = (request.query as { done?: string }).done
    const message =
      done === 'applied' ? w.statusApplied : done === 'scheduled' ? w.statusScheduled : done === 'cancelled' ? w.cancelled : undefined
    return showStatus(request, reply, (request.params as { id: string }).id, { message })
  })

  fastify.post('/staff/facilities/:id/status', { schema: hide }, async (request, reply) => {
    need(request, 'editor')
    const w = consoleWords[languageOf(request)]
    const { id: rawId } = request.params as { id: string }
    const { record } = await facilityOf(request, rawId)
    const body = (request.body ?? {}) as Body
    const values = {
      status: str(body, 'status'),
      when: str(body, 'when') === 'later' ? 'later' : 'now',
      date: str(body, 'date'),
      time: str(body, 'time'),
      reason: str(body, 'reason'),
    }
    const errors: Record<string, string> = {}
    const status = Object.values(FacilityStatus).find((s) => s === values.status)
    if (status === undefined) errors.status = w.required
    if (values.reason === '') errors.reason = w.required
    else if (values.reason.length > 500) errors.reason = '≤ 500'
    let effectiveAt: Date | undefined
    if (values.when === 'later') {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(values.date)) errors.date = `${w.required}: YYYY-MM-DD`
      if (!/^\d{2}:\d{2}$/.test(values.time)) errors.time = `${w.required}: HH:MM`
      if (errors.date === undefined && errors.time === undefined) {
        effectiveAt = new Date(`${values.date}T${values.time}:00+08:00`)
        if (Number.isNaN(effectiveAt.getTime())) errors.date = `${w.required}: YYYY-MM-DD`
        else if (effectiveAt <= fastify.clock()) errors.date = languageOf(request) === 'en' ? 'must be in the future' : '必须是将来的时间'
      }
    }
    const version = Number(str(body, 'version'))
    if (Object.keys(errors).length > 0 || status === undefined)
      return showStatus(request, reply, record.id, { form: { values, errors } }, 400)
    try {
      const result = await fastify.facilities.changeStatus(
        record.id,
        { status, reason: values.reason, effectiveAt },
        {
          actor: actorOf(request),
          reason: values.reason,
          now: fastify.clock(),
          ifMatch: [version],
          authorize: await fastify.scopeOf(request),
        },
      )
      const scheduled = result.statusChange.appliedAt === null
      if (scheduled) fastify.statusSchedule.changed()
      return reply
        .code(303)
        .header('location', `${staffPath}/facilities/${record.id}/status?done=${scheduled ? 'scheduled' : 'applied'}`)
        .send()
    } catch (error) {
      const refused = problemOf(error, 'transition_not_allowed', 'version_mismatch')
      if (refused === undefined) throw error
      const form: FormState =
        refused.code === 'transition_not_allowed'
          ? { values, errors: { status: refused.message } }
          : { values, errors: {}, general: [refused.message] }
      return showStatus(request, reply, record.id, { form }, refused.status)
    }
  })

  fastify.post('/staff/facilities/:id/status/:change/cancel', { schema: hide }, async (request, reply) => {
    const session = need(request, 'editor')
    const w = consoleWords[languageOf(request)]
    const { id: rawId, change } = request.params as { id: string; change: string }
    const { record } = await facilityOf(request, rawId)
    const changeId = Number(change)
    if (!Number.isSafeInteger(changeId)) throw new ProblemError('not_found', `There is no status change ${change}`)
    const field = `cancelReason-${changeId}`
    const reason = str((request.body ?? {}) as Body, field)
    if (reason === '' || reason.length > 500) {
      const form = { values: { [field]: reason }, errors: { [field]: reason === '' ? w.required : '≤ 500' } }
      return showStatus(request, reply, record.id, { cancelForm: { changeId, form }, form: { values: { when: 'now' }, errors: {} } }, 400)
    }
    await fastify.facilities.cancelScheduledChange(record.id, changeId, {
      authorize: await fastify.scopeOf(request),
      by: session.client.name,
      reason,
      now: fastify.clock(),
    })
    fastify.statusSchedule.changed()
    return reply.code(303).header('location', `${staffPath}/facilities/${record.id}/status?done=cancelled`).send()
  })

  // ------------------------------------------------------------ history

  fastify.get('/staff/facilities/:id/history', { schema: hide }, async (request, reply) => {
    need(request, 'reader')
    const language = languageOf(request)
    const w = consoleWords[language]
    const { facility, record } = await facilityOf(request, (request.params as { id: string }).id)
    const before = (request.query as { before?: string }).before
    const limit = 50
    const history = await fastify.changeFeed.history(record.id, {
      before: before !== undefined && /^\d{1,19}$/.test(before) ? before : undefined,
      limit,
    })
    const changes = history?.changes ?? []
    const next = history?.hasMore === true ? (changes[changes.length - 1]?.id ?? null) : null
    const body = historyPage(language, { facility, changes, next })
    return sendPage(reply, { language, title: w.historyTitle(facility.name), path: request.url, body, section: 'facilities' }, request)
  })

  // ------------------------------------------------------------ import

  const renderImport = (
    request: FastifyRequest,
    reply: FastifyReply,
    data: Omit<Parameters<typeof importPage>[1], 'csrfToken'>,
    status = 200,
  ) => {
    const session = need(request, 'editor')
    const language = languageOf(request)
    const body = importPage(language, { ...data, csrfToken: session.csrfToken })
    return sendPage(
      reply,
      { language, title: consoleWords[language].importTitle, path: `${staffPath}/import`, body, section: 'import' },
      request,
      status,
    )
  }

  fastify.get('/staff/import', { schema: hide }, async (request, reply) =>
    renderImport(request, reply, { form: { values: {}, errors: {} } }),
  )

  const importOptions = async (request: FastifyRequest, format: 'csv' | 'ndjson', dryRun: boolean) => ({
    format,
    dryRun,
    atomic: true,
    actor: actorOf(request),
    now: fastify.clock(),
    authorize: await fastify.scopeOf(request),
    maxBytes: maxImportBytes,
  })
  const formatOf = (content: string): 'csv' | 'ndjson' => (/^\s*\{/.test(content) ? 'ndjson' : 'csv')
  const digestOf = (content: string) => createHash('sha256').update(content).digest('hex')
  // A browser sends the previewed file back in a form field, whose line breaks it writes as CRLF.
  const lines = (content: string) => content.replace(/\r\n?/g, '\n')

  fastify.post('/staff/import', { schema: hide }, async (request, reply) => {
    need(request, 'editor')
    const w = consoleWords[languageOf(request)]
    const file = ((request.body ?? {}) as Body).file
    const content = Buffer.isBuffer(file) ? lines(file.toString('utf8')) : ''
    if (content.trim() === '') return renderImport(request, reply, { form: { values: {}, errors: { file: w.fileMissing } } }, 400)
    const format = formatOf(content)
    const report = await fastify.facilities.import(Readable.from([Buffer.from(content)]), await importOptions(request, format, true))
    return renderImport(request, reply, {
      form: { values: {}, errors: {} },
      preview: { report, file: { name: 'upload', format, content, digest: digestOf(content) } },
    })
  })

  fastify.post('/staff/import/confirm', { schema: hide }, async (request, reply) => {
    need(request, 'editor')
    const w = consoleWords[languageOf(request)]
    const body = (request.body ?? {}) as Body
    const content = typeof body.content === 'string' ? lines(body.content) : ''
    if (content.trim() === '' || digestOf(content) !== str(body, 'digest')) {
      return renderImport(request, reply, { form: { values: {}, errors: { file: w.fileChanged } } }, 400)
    }
    const report = await fastify.facilities.import(
      Readable.from([Buffer.from(content)]),
      await importOptions(request, formatOf(content), false),
    )
    return renderImport(request, reply, { form: { values: {}, errors: {} }, done: report }, report.committed ? 200 : 400)
  })

  // ------------------------------------------------------------ keys (admins)

  async function showKeys(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { form?: FormState; created?: { name: string; key: string }; message?: string },
    status = 200,
  ) {
    const session = need(request, 'admin')
    const language = languageOf(request)
    const w = consoleWords[language]
    const body = keysPage(language, {
      csrfToken: session.csrfToken,
      clients: await fastify.clients.list(),
      form: extra.form ?? { values: { role: 'editor' }, errors: {} },
      areas: await areasOf(),
      created: extra.created,
      message: extra.message,
    })
    return sendPage(
      reply,
      { language, title: w.keysTitle, path: `${staffPath}/keys`, body, section: 'keys', scripts: [assets.copyKey.path] },
      request,
      status,
    )
  }

  fastify.get('/staff/keys', { schema: hide }, async (request, reply) => {
    const revoked = (request.query as { revoked?: string }).revoked
    const w = consoleWords[languageOf(request)]
    return showKeys(request, reply, { message: revoked === undefined ? undefined : w.keyRevoked(revoked.slice(0, 200)) })
  })

  fastify.post('/staff/keys', { schema: hide }, async (request, reply) => {
    need(request, 'admin')
    const w = consoleWords[languageOf(request)]
    const body = (request.body ?? {}) as Body
    const values = {
      name: str(body, 'name'),
      role: str(body, 'role'),
      areas: checkedValues(body, 'areas'),
      categories: checkedValues(body, 'categories'),
    }
    const errors: Record<string, string> = {}
    if (values.name === '') errors.name = w.required
    else if (values.name.length > 200) errors.name = '≤ 200'
    const role = (['reader', 'editor', 'admin'] as const).find((r) => r === values.role)
    if (role === undefined) errors.role = w.required
    const areaIds = values.areas.split(',').filter((a) => a !== '')
    const known = new Set((await fastify.areas.all()).map((a) => a.id))
    const unknownAreas = areaIds.filter((a) => !known.has(a))
    if (unknownAreas.length > 0) errors.areas = unknownAreas.join(', ')
    const chosen = values.categories.split(',').filter((c) => c !== '')
    const categoryIds = Object.values(FacilityCategory).filter((c) => chosen.includes(c))
    if (categoryIds.length !== chosen.length) errors.categories = chosen.filter((c) => !categoryIds.includes(c as never)).join(', ')
    if (Object.keys(errors).length > 0 || role === undefined) return showKeys(request, reply, { form: { values, errors } }, 400)
    const { client, key } = await fastify.clients.create({ name: values.name, role, areaIds, categories: categoryIds })
    return showKeys(request, reply, { created: { name: client.name, key } }, 201)
  })

  fastify.post('/staff/keys/:id/revoke', { schema: hide }, async (request, reply) => {
    need(request, 'admin')
    const { id } = request.params as { id: string }
    if (!uuid.test(id)) throw new ProblemError('not_found', `There is no key ${id}`)
    const revoked = await fastify.clients.revoke(id.toLowerCase(), fastify.clock())
    if (revoked === null) throw new ProblemError('not_found', `There is no key ${id}`)
    // Revoking one's own key ends one's own session too: back to the sign-in page then.
    return reply
      .code(303)
      .header('location', `${staffPath}/keys?revoked=${encodeURIComponent(revoked.name)}`)
      .send()
  })

  // ------------------------------------------------------------ suggestions

  const moderatorScope = (request: FastifyRequest) => {
    const client = request.client
    return client?.role === 'editor' ? client : { areaIds: [], categories: [] }
  }

  fastify.get('/staff/suggestions', { schema: hide }, async (request, reply) => {
    need(request, 'editor')
    const language = languageOf(request)
    const w = consoleWords[language]
    const query = request.query as { state?: string; done?: string }
    const state = (['pending', 'accepted', 'rejected'] as const).find((s) => s === query.state) ?? 'pending'
    const items = await fastify.suggestions.list({ state, limit: 100 }, moderatorScope(request))
    const message = query.done === 'accepted' ? w.accepted : query.done === 'rejected' ? w.rejected : undefined
    const body = suggestionsPage(language, { items: items.slice(0, 100), state, message })
    return sendPage(reply, { language, title: w.suggestionsTitle, path: request.url, body, section: 'suggestions' }, request)
  })

  async function showReview(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    forms: { accept?: FormState; reject?: FormState },
    status = 200,
  ) {
    const session = need(request, 'editor')
    const language = languageOf(request)
    const w = consoleWords[language]
    if (!uuid.test(id)) throw new ProblemError('not_found', `There is no suggestion ${id}`)
    const suggestion = await fastify.suggestions.review(id.toLowerCase(), await fastify.scopeOf(request))
    const body = reviewPage(language, {
      suggestion: { ...suggestion, proposal: suggestion.proposal as Record<string, unknown> },
      csrfToken: session.csrfToken,
      acceptForm: forms.accept ?? { values: {}, errors: {} },
      rejectForm: forms.reject ?? { values: {}, errors: {} },
    })
    return sendPage(reply, { language, title: w.suggestionTitle, path: request.url, body, section: 'suggestions' }, request, status)
  }

  fastify.get('/staff/suggestions/:id', { schema: hide }, async (request, reply) =>
    showReview(request, reply, (request.params as { id: string }).id, {}),
  )

  fastify.post('/staff/suggestions/:id/decision', { schema: hide }, async (request, reply) => {
    need(request, 'editor')
    const w = consoleWords[languageOf(request)]
    const { id } = request.params as { id: string }
    if (!uuid.test(id)) throw new ProblemError('not_found', `There is no suggestion ${id}`)
    const body = (request.body ?? {}) as Body
    const moderation = { actor: actorOf(request), authorize: await fastify.scopeOf(request), now: fastify.clock() }
    if (str(body, 'decision') === 'reject') {
      const reason = str(body, 'rejectReason')
      if (reason === '' || reason.length > 500) {
        const errors = { rejectReason: reason === '' ? w.required : '≤ 500' }
        return showReview(request, reply, id, { reject: { values: { rejectReason: reason }, errors } }, 400)
      }
      try {
        await fastify.suggestions.reject(id.toLowerCase(), { ...moderation, reason })
      } catch (error) {
        const refused = problemOf(error, 'conflict')
        if (refused === undefined) throw error
        return showReview(request, reply, id, { reject: { values: { rejectReason: reason }, errors: {}, general: [refused.message] } }, 409)
      }
      return reply.code(303).header('location', `${staffPath}/suggestions?done=rejected`).send()
    }
    const reason = str(body, 'reason')
    if (reason.length > 500) return showReview(request, reply, id, { accept: { values: { reason }, errors: { reason: '≤ 500' } } }, 400)
    try {
      await fastify.suggestions.accept(id.toLowerCase(), {
        ...moderation,
        reason: reason === '' ? undefined : reason,
        ifMatch: [Number(str(body, 'version'))],
      })
    } catch (error) {
      const refused = problemOf(error, 'version_mismatch', 'transition_not_allowed', 'validation_failed', 'conflict')
      if (refused === undefined) throw error
      return showReview(request, reply, id, { accept: { values: { reason }, errors: {}, general: [refused.message] } }, refused.status)
    }
    return reply.code(303).header('location', `${staffPath}/suggestions?done=accepted`).send()
  })
}
