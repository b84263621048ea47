// The HSDS profile: every answer is checked against the Open Referral HSDS 3.0 JSON schemas
// themselves (vendored unchanged in test/fixtures/hsds), as well as against Linli's own OpenAPI
// document (every inject is), and the mapping of a facility is asserted field by field.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import t, { type Test } from 'tap'
import { hsdsIds } from '../../src/hsds/ids.js'
import { addFacility, buildClocked, forEachDatabase, type App } from '../helper.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'hsds')
const base = 'https://raw.githubusercontent.com/openreferral/specification/3.0/schema/'

/** The standard's schemas, each under the URL its siblings' `$ref`s resolve against. */
function hsdsValidators() {
  const ajv = new Ajv({ strict: false, allErrors: true })
  addFormats.default(ajv)
  for (const file of readdirSync(fixtures).filter((name) => name.endsWith('.json') && name !== 'openapi.json')) {
    const schema = JSON.parse(readFileSync(path.join(fixtures, file), 'utf8')) as object
    const id = file.startsWith('compiled-') ? `${base}compiled/${file.slice('compiled-'.length)}` : `${base}${file}`
    ajv.addSchema({ ...schema, $id: id })
  }
  const openapi = JSON.parse(readFileSync(path.join(fixtures, 'openapi.json'), 'utf8')) as {
    components: { schemas: { Page: object } }
  }
  const page = (item: string) => ({
    allOf: [openapi.components.schemas.Page],
    properties: { contents: { type: 'array', items: { $ref: `${base}${item}` } } },
    required: ['total_items', 'total_pages', 'page_number', 'size', 'first_page', 'last_page', 'empty', 'contents'],
  })
  const compile = (schema: object): ValidateFunction => ajv.compile(schema)
  return {
    ajv,
    service: compile({ $ref: `${base}service.json` }),
    taxonomy: compile({ $ref: `${base}taxonomy.json` }),
    taxonomyTerm: compile({ $ref: `${base}taxonomy_term.json` }),
    servicePage: compile(page('compiled/service_list.json')),
    fullServicePage: compile(page('service.json')),
    organizationPage: compile(page('compiled/organization_list.json')),
    locationPage: compile(page('location.json')),
    serviceAtLocationPage: compile(page('compiled/service_at_location_list.json')),
    taxonomyPage: compile(page('taxonomy.json')),
    taxonomyTermPage: compile(page('taxonomy_term.json')),
  }
}

const hsds = hsdsValidators()

/** Asserts that a body keeps the HSDS schema. */
function conforms(t: Test, validate: ValidateFunction, body: unknown, what: string) {
  const valid = validate(body)
  t.ok(valid, `${what} keeps the HSDS 3.0 schema${valid ? '' : `: ${hsds.ajv.errorsText(validate.errors)}`}`)
}

const serviceSlugs = [
  '深圳大学附属华南医院',
  '龙岗区实验高级中学',
  '华南师范大学附属平湖学校',
  '深圳外国语学校',
  '南科大附属学校',
  '融湖盛世幼儿园',
  '平湖街道新建普惠性托育园',
  '平湖街道养老服务中心',
  '平湖街道社区养老服务站',
  '平湖街道小区长者服务点',
  '文化体验中心',
  '科技体育中心',
  '平湖交通安全培训基地',
  '平湖街道劳动争议调解中心',
  '深圳国际海鲜城',
  '华南城',
]

async function getJson(app: App, url: string, language?: string) {
  const response = await app.inject({ url, headers: language === undefined ? {} : { 'accept-language': language } })
  return { response, body: response.json() }
}

t.test('the vendored schemas do reject what HSDS does not allow', async (t) => {
  t.notOk(hsds.service({ id: '0b9f3c2e-6a1d-4f7e-9c35-2d8a4b6e1f70', name: 'x', status: 'open' }), 'a status HSDS does not know')
  t.notOk(hsds.service({ id: '0b9f3c2e-6a1d-4f7e-9c35-2d8a4b6e1f70', status: 'active' }), 'a service without a name')
  t.notOk(hsds.service({ id: 'not-a-uuid', name: 'x', status: 'active' }), 'an id that is not a UUID')
  t.notOk(
    hsds.service({ id: '0b9f3c2e-6a1d-4f7e-9c35-2d8a4b6e1f70', name: 'x', status: 'active', schedules: [{ freq: 'DAILY' }] }),
    'a nested schedule is checked too',
  )
})

forEachDatabase(t, 'the HSDS 3.0 profile', async (t, engine) => {
  const { app } = await buildClocked(t, engine, '2026-03-04T02:00:00Z')

  t.test('the API root says the HSDS version, the profile and the OpenAPI document', async (t) => {
    const { response, body } = await getJson(app, '/hsds/')
    t.equal(response.statusCode, 200)
    t.same(body, { version: '3.0', profile: 'http://localhost:80/hsds/profile', openapi_url: 'http://localhost:80/openapi.json' })
    const profile = await app.inject({ url: '/hsds/profile' })
    t.equal(profile.statusCode, 200)
    t.equal(profile.headers['content-type'], 'text/markdown; charset=utf-8')
    t.match(profile.body, /^# Linli's HSDS 3\.0 profile/)
  })

  t.test('services are the facilities that are services, paged without gaps or repeats; projects are left out', async (t) => {
    const seen: string[] = []
    for (let page = 1; ; page++) {
      const { response, body } = await getJson(app, `/hsds/services?per_page=4&page=${page}`)
      t.equal(response.statusCode, 200)
      conforms(t, hsds.servicePage, body, `page ${page}`)
      t.match(body, { total_items: 16, total_pages: 4, page_number: page, first_page: page === 1, last_page: page === 4 })
      seen.push(...body.contents.map((service: { name: string }) => service.name))
      if (body.last_page) break
    }
    t.same(seen, serviceSlugs, 'every service once, in creation order, and no project (roads, railways, …)')
    const { body } = await getJson(app, '/hsds/services?per_page=4&page=9')
    t.same(body, {
      total_items: 16,
      total_pages: 4,
      page_number: 9,
      size: 0,
      first_page: false,
      last_page: true,
      empty: true,
      contents: [],
    })
  })

  t.test('a seed service in the list: status, organization, and an alert for one not open yet', async (t) => {
    const { body } = await getJson(app, `/hsds/services?per_page=1&page=15`, 'en')
    const seafoodCity = body.contents[0]
    const id = seafoodCity.id as string
    t.same(seafoodCity, {
      id,
      organization_id: hsdsIds.organization(id),
      name: 'Shenzhen International Seafood City',
      alternate_name: '深圳国际海鲜城',
      description: 'In the southern area of Pinghu; expected to open at the end of 2022.',
      status: 'inactive',
      alert: 'Planned; expected to open: 2022-36',
      last_modified: seafoodCity.last_modified,
      organization: {
        id: hsdsIds.organization(id),
        name: 'Shenzhen International Seafood City',
        alternate_name: '深圳国际海鲜城',
        description: 'In the southern area of Pinghu; expected to open at the end of 2022.',
      },
    })
  })

  t.test('one facility in full: hours → schedules, ages → eligibility, accessibility, phone, location, category', async (t) => {
    const facility = await addFacility(app, {
      slug: 'hehua-sunshine-kindergarten',
      externalId: 'LG-KG-0042',
      category: 'kindergarten',
      name: { zh: '禾花阳光幼儿园', en: 'Hehua Sunshine Kindergarten' },
      area: 'hehua',
      address: { zh: '禾花社区华南路1号' },
      location: { lat: 22.69, lng: 114.12, precision: 'exact' },
      ageRange: { minMonths: 36, maxMonths: 72 },
      accessibility: ['step_free_entrance', 'accessible_toilet'],
      openingHours: 'Mo-Fr 07:30-17:30; Sa 08:00-12:00',
      phone: '0755-00000000',
      website: 'https://example.org/hehua',
    })
    const id = facility.id
    const { response, body } = await getJson(app, `/hsds/services/${id}`)
    t.equal(response.statusCode, 200)
    t.equal(response.headers['content-language'], 'zh-Hans')
    conforms(t, hsds.service, body, 'the full service')
    const term = {
      id: hsdsIds.taxonomyTerm('kindergarten'),
      code: 'kindergarten',
      name: '幼儿园',
      description: '类别为「幼儿园」的服务设施。',
      taxonomy: '邻里服务设施类别',
      taxonomy_id: hsdsIds.taxonomy(),
      language: 'zh',
      taxonomy_detail: {
        id: hsdsIds.taxonomy(),
        name: '邻里服务设施类别',
        description: '邻里目录中服务类设施的类别（医院、学校、幼儿园等）；每个服务属于其中一个类别。',
        version: '1',
      },
    }
    const notes = '开放时间规则（OpenStreetMap opening_hours）：Mo-Fr 07:30-17:30; Sa 08:00-12:00。法定节假日与调休按此规则。'
    const location = {
      id: hsdsIds.location(id),
      location_type: 'physical',
      organization_id: hsdsIds.organization(id),
      name: '禾花阳光幼儿园',
      alternate_name: 'Hehua Sunshine Kindergarten',
      description: '地址：禾花社区华南路1号',
      latitude: 22.69,
      longitude: 114.12,
      external_identifier: 'LG-KG-0042',
      external_identifier_type: '数据所有者编号',
      accessibility: [
        {
          id: hsdsIds.accessibility(id, 'step_free_entrance'),
          location_id: hsdsIds.location(id),
          description: '无台阶入口',
          details: 'step_free_entrance',
        },
        {
          id: hsdsIds.accessibility(id, 'accessible_toilet'),
          location_id: hsdsIds.location(id),
          description: '无障碍卫生间',
          details: 'accessible_toilet',
        },
      ],
    }
    t.same(body, {
      id,
      organization_id: hsdsIds.organization(id),
      name: '禾花阳光幼儿园',
      alternate_name: 'Hehua Sunshine Kindergarten',
      url: 'https://example.org/hehua',
      status: 'active',
      eligibility_description: '适用年龄：3岁至6岁',
      minimum_age: 3,
      maximum_age: 6,
      last_modified: facility.updatedAt.toISOString(),
      organization: {
        id: hsdsIds.organization(id),
        name: '禾花阳光幼儿园',
        alternate_name: 'Hehua Sunshine Kindergarten',
        description: '幼儿园 · 禾花社区',
        website: 'https://example.org/hehua',
      },
      phones: [{ id: hsdsIds.phone(id), service_id: id, number: '0755-00000000' }],
      schedules: [
        {
          id: hsdsIds.schedule(id, 0),
          service_id: id,
          timezone: 8,
          freq: 'WEEKLY',
          wkst: 'MO',
          byday: 'MO,TU,WE,TH,FR',
          opens_at: '07:30+08:00',
          closes_at: '17:30+08:00',
          description: '每周 MO、TU、WE、TH、FR 07:30-17:30（Asia/Shanghai）',
          notes,
        },
        {
          id: hsdsIds.schedule(id, 1),
          service_id: id,
          timezone: 8,
          freq: 'WEEKLY',
          wkst: 'MO',
          byday: 'SA',
          opens_at: '08:00+08:00',
          closes_at: '12:00+08:00',
          description: '每周 SA 08:00-12:00（Asia/Shanghai）',
          notes,
        },
      ],
      service_at_locations: [{ id: hsdsIds.serviceAtLocation(id), service_id: id, location_id: hsdsIds.location(id), location }],
      attributes: [
        {
          id: hsdsIds.attribute(id, 'kindergarten'),
          link_id: id,
          link_type: 'category',
          link_entity: 'service',
          taxonomy_term_id: term.id,
          taxonomy_term: term,
        },
      ],
    })

    const english = await getJson(app, `/hsds/services/${id}`, 'en')
    t.match(english.body, {
      name: 'Hehua Sunshine Kindergarten',
      alternate_name: '禾花阳光幼儿园',
      eligibility_description: 'Ages 3 years to 6 years',
      schedules: [{ description: 'Weekly on MO, TU, WE, TH, FR, 07:30-17:30 (Asia/Shanghai)' }, { byday: 'SA' }],
      attributes: [{ taxonomy_term: { name: 'Kindergarten', language: 'en' } }],
    })
    t.equal(english.response.headers['content-language'], 'en')

    t.test('full=true lists services in full', async (t) => {
      const { body } = await getJson(app, `/hsds/services?full=true&per_page=1&page=17`)
      conforms(t, hsds.fullServicePage, body, 'a page of full services')
      t.equal(body.contents[0].schedules.length, 2)
    })

    t.test('organizations, locations and services at locations: one each per service', async (t) => {
      const organizations = await getJson(app, '/hsds/organizations?per_page=200')
      conforms(t, hsds.organizationPage, organizations.body, 'organizations')
      t.equal(organizations.body.total_items, 17)
      const locations = await getJson(app, '/hsds/locations?per_page=200')
      conforms(t, hsds.locationPage, locations.body, 'locations')
      t.same(locations.body.contents.at(-1), location)
      t.match(locations.body.contents[0], {
        name: '深圳大学附属华南医院',
        description: /^位置为近似（WGS-84 /,
      })
      t.notOk('latitude' in locations.body.contents[0], 'an approximate point is not given as a coordinate')
      const atLocations = await getJson(app, '/hsds/service_at_locations?per_page=200')
      conforms(t, hsds.serviceAtLocationPage, atLocations.body, 'services at locations')
      t.match(atLocations.body.contents.at(-1), {
        id: hsdsIds.serviceAtLocation(id),
        service_id: id,
        location,
        service: { id, name: '禾花阳光幼儿园' },
      })
    })

    t.test('filters combine: taxonomy term, taxonomy, organization, text, modified_after', async (t) => {
      const names = async (query: string) =>
        (await getJson(app, `/hsds/services?${query}`)).body.contents.map((service: { name: string }) => service.name)
      t.same(await names(`taxonomy_term_id=${hsdsIds.taxonomyTerm('kindergarten')}`), ['融湖盛世幼儿园', '禾花阳光幼儿园'])
      t.same(await names(`taxonomy_term_id=${hsdsIds.taxonomyTerm('road')}`), [], 'a project category is no term')
      t.same(await names(`taxonomy_id=${hsdsIds.taxonomy()}&search=幼儿园`), ['融湖盛世幼儿园', '禾花阳光幼儿园'])
      t.same(await names(`taxonomy_id=${hsdsIds.location(id)}`), [], 'an unknown taxonomy has no services')
      t.same(await names(`organization_id=${hsdsIds.organization(id)}`), ['禾花阳光幼儿园'])
      t.same(await names(`organization_id=${hsdsIds.organization(id)}&taxonomy_term_id=${hsdsIds.taxonomyTerm('school')}`), [])
      t.same(await names('search=hnyy'), ['深圳大学附属华南医院'], 'pinyin initials, as in /v1')
      const since = facility.updatedAt.toISOString()
      t.same(await names(`modified_after=${since}`), ['禾花阳光幼儿园'], 'modified at or after the instant')
      const organizations = await getJson(app, `/hsds/organizations?modified_after=${since}`)
      t.same(
        organizations.body.contents.map((organization: { id: string }) => organization.id),
        [hsdsIds.organization(id)],
      )
    })
  })

  t.test('a project, an unknown id and a bad parameter are problems', async (t) => {
    const projects = await app.inject({ url: '/v1/facilities?category=metro' })
    const metro = projects.json().data[0].id as string
    const project = await getJson(app, `/hsds/services/${metro}`)
    t.equal(project.response.statusCode, 404)
    t.equal(project.response.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.same(project.body, {
      type: 'urn:linli:problem:not_found',
      title: 'Not found',
      status: 404,
      detail: `There is no service with id ${metro}`,
      code: 'not_found',
      instance: `/hsds/services/${metro}`,
      requestId: project.response.headers['x-request-id'],
    })
    const notUuid = await getJson(app, '/hsds/services/42')
    t.equal(notUuid.response.statusCode, 400)
    t.match(notUuid.body, { code: 'validation_failed', errors: [{ in: 'path', name: 'id' }] })
    const date = await getJson(app, '/hsds/services?modified_after=yesterday')
    t.equal(date.response.statusCode, 400)
    t.match(date.body, { code: 'validation_failed', errors: [{ in: 'query', name: 'modified_after' }] })
    const perPage = await getJson(app, '/hsds/services?per_page=1000')
    t.equal(perPage.response.statusCode, 400)
    t.match(perPage.body, { code: 'validation_failed', errors: [{ in: 'query', name: 'per_page' }] })
    const unknown = await getJson(app, '/hsds/locations?proximity=5')
    t.equal(unknown.response.statusCode, 400)
    t.match(unknown.body, { code: 'validation_failed', errors: [{ in: 'query', name: 'proximity' }] })
  })

  t.test('the taxonomy and its terms: the service categories', async (t) => {
    const taxonomies = await getJson(app, '/hsds/taxonomies', 'en')
    conforms(t, hsds.taxonomyPage, taxonomies.body, 'taxonomies')
    t.match(taxonomies.body, { total_items: 1, contents: [{ id: hsdsIds.taxonomy(), name: 'Linli service categories' }] })
    const taxonomy = await getJson(app, `/hsds/taxonomies/${hsdsIds.taxonomy()}`)
    conforms(t, hsds.taxonomy, taxonomy.body, 'the taxonomy')
    t.equal((await getJson(app, `/hsds/taxonomies/${hsdsIds.taxonomyTerm('school')}`)).response.statusCode, 404)

    const terms = await getJson(app, '/hsds/taxonomy_terms?per_page=200', 'en')
    conforms(t, hsds.taxonomyTermPage, terms.body, 'taxonomy terms')
    t.same(
      terms.body.contents.map((term: { code: string }) => term.code),
      ['hospital', 'school', 'kindergarten', 'childcare', 'elder_care', 'culture_venue', 'sports_venue', 'public_service', 'market'],
    )
    t.same((await getJson(app, `/hsds/taxonomy_terms?parent_id=${hsdsIds.taxonomyTerm('school')}`)).body.contents, [], 'a flat vocabulary')
    t.same(
      (await getJson(app, '/hsds/taxonomy_terms?search=elder', 'en')).body.contents.map((term: { code: string }) => term.code),
      ['elder_care'],
    )
    const term = await getJson(app, `/hsds/taxonomy_terms/${hsdsIds.taxonomyTerm('childcare')}`, 'en')
    conforms(t, hsds.taxonomyTerm, term.body, 'a term')
    t.match(term.body, { code: 'childcare', name: 'Childcare centre', language: 'en' })
    t.equal((await getJson(app, `/hsds/taxonomy_terms/${hsdsIds.taxonomy()}`)).response.statusCode, 404)
  })
})
