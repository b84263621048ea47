// The typed client against the server over real HTTP: a resident's search through the generated
// types, every answer also checked against the OpenAPI document.
import t from 'tap'
import type { AddressInfo } from 'node:net'
import { LinliProblem, changeStatus, childcareNear, linliClient } from '../../clients/typescript/linli-client.js'
import { Contract, type OpenApiDocument } from '../contract.js'
import { addFacility, build, keyFor } from '../helper.js'

t.test('a resident search and a staff status change through the typed client', async (t) => {
  const app = await build(t, 'pglite')
  await app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const contract = new Contract(app.swagger() as unknown as OpenApiDocument)
  const checkedFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    const response = await fetch(request)
    contract.check({
      method: request.method,
      url: request.url,
      statusCode: response.status,
      headers: Object.fromEntries(response.headers),
      body: await response.clone().text(),
    })
    return response
  }
  const client = linliClient(baseUrl, { fetch: checkedFetch, language: 'en' })

  // North of the point, nearest first.
  for (const n of [1, 2, 3]) {
    await addFacility(app, {
      slug: `test-kindergarten-${n}`,
      name: { zh: `测试幼儿园${n}`, en: `Test Kindergarten ${n}` },
      category: 'kindergarten',
      location: { lat: 22.7 + n / 1000, lng: 114.13, precision: 'exact' },
    })
  }
  const found = await childcareNear(client, 22.7, 114.13)
  t.same(
    found.filter((facility) => facility.slug.startsWith('test-')).map((facility) => facility.name),
    ['Test Kindergarten 1', 'Test Kindergarten 2', 'Test Kindergarten 3'],
  )
  t.ok(found.every((facility) => facility.category === 'kindergarten' || facility.category === 'childcare'))
  t.ok(found.every((facility) => (facility.distanceMeters ?? Infinity) <= 2000))

  const { data: facility, response } = await client.GET('/v1/facilities/{id}', { params: { path: { id: found[0]!.id } } })
  t.equal(facility?.id, found[0]!.id)
  t.equal(response.headers.get('content-language'), 'en')

  const problem = await childcareNear(client, 91, 0).catch((error: unknown) => error)
  t.ok(problem instanceof LinliProblem, 'a bad point is a typed problem')
  t.match((problem as LinliProblem).problem, { code: 'validation_failed', errors: [{ in: 'query', name: 'near' }] })

  // Staff, with a key: the kindergarten closes for the summer works.
  const editorKey = (await keyFor(app, 'editor')).authorization.slice('Bearer '.length)
  const staff = linliClient(baseUrl, { fetch: checkedFetch, key: editorKey })
  const closed = await changeStatus(staff, found[0]!.id, { status: 'temporarily_closed', reason: 'summer works' })
  t.match(closed, { state: 'applied', fromStatus: 'operational', toStatus: 'temporarily_closed', facilityVersion: 2 })
  const after = await client.GET('/v1/facilities/{id}', { params: { path: { id: found[0]!.id } } })
  t.equal(after.data?.status, 'temporarily_closed')
  const anonymous = await changeStatus(client, found[0]!.id, { status: 'operational', reason: 'reopened' }).catch((error: unknown) => error)
  t.match((anonymous as LinliProblem).problem, { code: 'unauthorized', status: 401 }, 'without a key: a typed 401 problem')
})
