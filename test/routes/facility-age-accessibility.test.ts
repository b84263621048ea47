// The search filters a resident's questions need beyond category and status: "for my 4-year-old"
// (age: the published age range includes the age) and "with a lift and an accessible
// toilet" (accessibility: every feature asked for). Both on PGlite and on PostgreSQL.
import t from 'tap'
import { addFacility, build, forEachDatabase } from '../helper.js'

forEachDatabase(t, 'age and accessibility', async (t, engine) => {
  const app = await build(t, engine)
  await addFacility(app, {
    slug: 'toddler-centre',
    name: { zh: '小苗托育中心' },
    category: 'childcare',
    ageRange: { minMonths: 12, maxMonths: 36 },
    accessibility: ['lift'],
  })
  await addFacility(app, {
    slug: 'big-kindergarten',
    name: { zh: '大树幼儿园' },
    category: 'kindergarten',
    ageRange: { minMonths: 36, maxMonths: 72 },
    accessibility: ['lift', 'accessible_toilet'],
  })
  await addFacility(app, { slug: 'from-three', name: { zh: '三岁起幼儿园' }, category: 'kindergarten', ageRange: { minMonths: 36 } })
  const ours = new Set(['toddler-centre', 'big-kindergarten', 'from-three'])
  const slugs = async (query: string) => {
    const response = await app.inject({ url: `/v1/facilities?${query}&sort=name&limit=100` })
    t.equal(response.statusCode, 200, query)
    // The seed's own childcare, kindergartens and elder care publish ages too: only this test's places are compared.
    return (response.json().data as { slug: string }[]).map((item) => item.slug).filter((slug) => ours.has(slug))
  }
  t.same(await slugs('age=2'), ['toddler-centre'], 'a 2-year-old: only the range that includes 24 months')
  t.same(await slugs('age=4'), ['big-kindergarten', 'from-three'], 'a 4-year-old: an open-ended range counts')
  t.same(await slugs('age=3'), ['big-kindergarten', 'from-three', 'toddler-centre'], 'both ends are included')
  t.same(await slugs('age=4&category=childcare'), [], 'with the other filters')
  t.same(await slugs('accessibility=lift'), ['big-kindergarten', 'toddler-centre'])
  t.same(await slugs('accessibility=lift,accessible_toilet'), ['big-kindergarten'], 'every feature asked for')
  t.same(await slugs('accessibility=lift&accessibility=accessible_toilet'), ['big-kindergarten'], 'as repeats too')
  const bad = await app.inject({ url: '/v1/facilities?accessibility=escalator' })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().errors[0].name, 'accessibility')
  const old = await app.inject({ url: '/v1/facilities?age=-1' })
  t.equal(old.statusCode, 400)
  t.same(old.json().errors, [{ in: 'query', name: 'age', message: 'must be >= 0' }])
})
