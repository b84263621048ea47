// Search that forgives: the fixed query set of bench/relevance/queries.yaml (top-1 / top-3 hit
// rates, so relevance cannot get worse unnoticed), the synonym list, swapped letters, pinyin
// readings, age and accessibility filters, and a service before a project that scores the same.
import t from 'tap'
import { measureRelevance } from '../../bench/relevance.js'
import { synonyms } from '../../src/facilities/search/synonyms.js'
import { transpositionsOf } from '../../src/facilities/search/query.js'
import { addFacility, buildClocked, forEachDatabase, type App } from '../helper.js'

const slugs = async (app: App, query: string) => {
  const response = await app.inject({ url: `/v1/facilities?limit=20&${query}` })
  t.equal(response.statusCode, 200, query)
  return (response.json() as { data: { slug: string }[] }).data.map((item) => item.slug)
}
const q = (text: string) => `q=${encodeURIComponent(text)}`

const elderCare = [
  'pinghu-street-community-elder-care-stations',
  'pinghu-street-elder-care-service-centre',
  'pinghu-street-residential-elder-service-points',
]

t.test('swapped neighbours, each pair once', async (t) => {
  t.same(transpositionsOf('huanna'), ['uhanna', 'haunna', 'hunana', 'huanan'])
  t.same(transpositionsOf('ab'), [], 'too short to guess')
  t.ok(synonyms.every((synonym) => synonym.words.length > 0 && (synonym.categories !== undefined || synonym.attributes !== undefined)))
})

forEachDatabase(t, 'relevance on the seed data', async (t, engine) => {
  const { app } = await buildClocked(t, engine)

  t.test('the fixed query set: every query finds what it should, first', async (t) => {
    const report = await measureRelevance(async (text) => {
      const response = await app.inject({ url: `/v1/facilities?limit=20&${q(text)}` })
      return (response.json() as { data: { slug: string; category: string }[] }).data
    })
    t.ok(report.queries >= 40, `${report.queries} queries`)
    t.same(
      report.results.filter((result) => !result.top1).map((result) => `${result.query.q}: ${result.slugs.slice(0, 3).join(', ')}`),
      [],
      'no query misses its top result',
    )
    t.ok(report.top3 >= 0.95, `top-3 ${report.top3}`)
    t.same(
      report.results.filter((result) => result.byCategory > 0).map((result) => result.query.q),
      [],
      'on the seed every right answer is one the query expects: the category rule is for the 100,000-facility bench data',
    )
  })

  t.test('养老, yanglao and elder care find all three tiers, 长者服务点 included', async (t) => {
    for (const text of ['养老', 'yanglao', 'elder care']) t.same((await slugs(app, q(text))).sort(), elderCare, text)
  })

  t.test('words for a kind of place find the places of that kind', async (t) => {
    t.same(await slugs(app, q('托儿所')), ['pinghu-new-affordable-childcare-centre'])
    t.same(await slugs(app, q('地铁')), ['metro-line-10-eastern-extension'])
    t.same(await slugs(app, q('医院')), ['south-china-hospital'])
    t.same((await slugs(app, q('小学'))).sort(), [
      'longgang-experimental-senior-high-school',
      'scnu-affiliated-pinghu-school',
      'shenzhen-foreign-languages-school',
      'sustech-affiliated-school',
    ])
    t.same(await slugs(app, q('儿童友好')), ['pinghu-traffic-safety-training-base'])
    t.same(await slugs(app, q('child-friendly')), ['pinghu-traffic-safety-training-base'])
  })

  t.test('letters swapped: huanna, ronhgu, Suoth China, 幼园儿', async (t) => {
    t.ok((await slugs(app, q('huanna'))).slice(0, 3).includes('south-china-hospital'), 'huanna')
    t.equal((await slugs(app, q('ronhgu')))[0], 'ronghu-shengshi-kindergarten', 'ronhgu')
    t.equal((await slugs(app, q('Suoth China')))[0], 'south-china-hospital', 'Suoth China')
    t.equal((await slugs(app, q('幼园儿')))[0], 'ronghu-shengshi-kindergarten', '幼园儿')
  })

  t.test('深大 is read shen da: shenda and sdcj find 深大城际', async (t) => {
    t.equal((await slugs(app, q('shenda')))[0], 'shenzhen-dayawan-intercity-railway')
    t.equal((await slugs(app, q('shendachengji')))[0], 'shenzhen-dayawan-intercity-railway')
  })

  t.test('age: childcare for a 2-year-old, elder care for a 70-year-old', async (t) => {
    t.same(await slugs(app, 'age=2'), ['pinghu-new-affordable-childcare-centre'])
    t.same(await slugs(app, 'category=childcare,kindergarten&age=4'), ['ronghu-shengshi-kindergarten'])
    t.same((await slugs(app, 'age=70')).sort(), elderCare)
    t.same(await slugs(app, 'age=30'), [], 'no place says it serves 30-year-olds')
    const facets = (await app.inject({ url: '/v1/facilities/facets?age=2' })).json()
    t.equal(facets.total, 1, 'the facets take the filter too')
  })

  t.test('accessibility: elder care with step-free access', async (t) => {
    const stepFree = await addFacility(app, {
      slug: 'step-free-elder-station',
      category: 'elder_care',
      name: { zh: '无障碍长者驿站' },
      accessibility: ['step_free_entrance', 'accessible_toilet'],
    })
    t.same(await slugs(app, 'category=elder_care&accessibility=step_free_entrance'), [stepFree.slug])
    t.same(await slugs(app, 'accessibility=step_free_entrance,accessible_toilet'), [stepFree.slug], 'every feature asked for')
    t.same(await slugs(app, 'accessibility=step_free_entrance&accessibility=lift'), [])
    const problem = await app.inject({ url: '/v1/facilities?accessibility=ramp' })
    t.equal(problem.statusCode, 400)
  })

  t.test('a place people use comes before a project that scores the same', async (t) => {
    const project = await addFacility(app, {
      slug: 'xingguang-school-road',
      category: 'road',
      status: 'planned',
      name: { zh: '星光学校配套道路' },
    })
    const school = await addFacility(app, { slug: 'xingguang-school-branch', category: 'school', name: { zh: '星光学校分校' } })
    t.same(await slugs(app, q('星光学校')), [school.slug, project.slug])
  })
})
