// Bad input is the client's mistake, never the server's: whatever arrives — empty list filters,
// numbers that are not finite, text PostgreSQL cannot store, JSON nested thousands deep, a path
// or headers too long, a URL with raw Chinese in it — the answer is a 4xx in the one
// problem+json shape, naming what to fix. Checked on both engines where the database is reached.
import net from 'node:net'
import t from 'tap'
import { build, create, forEachDatabase, keyFor, kindergarten, patch, type App } from '../helper.js'

const problem = (status: number, detail: string, instance: string, errors: unknown[], code = 'validation_failed') => ({
  type: `urn:linli:problem:${code}`,
  title: code === 'validation_failed' ? 'The request is not valid' : 'The request is not valid HTTP',
  status,
  detail,
  code,
  instance,
  errors,
})

const deep = (levels: number): unknown => {
  let value: unknown = 'bottom'
  for (let level = 0; level < levels; level++) value = { a: value }
  return value
}

forEachDatabase(t, 'query parameters', async (t, engine) => {
  const app = await build(t, engine)
  const get = async (url: string) => {
    const response = await app.inject({ url })
    // Every problem names its request as X-Request-Id does (test/plugins/metrics.test.ts); the rest is compared here.
    const { requestId, ...body } = response.json()
    if (requestId !== response.headers['x-request-id']) throw new Error(`requestId ${requestId} is not the X-Request-Id`)
    return { status: response.statusCode, type: response.headers['content-type'], body }
  }

  for (const path of ['/v1/facilities', '/v1/facilities/facets']) {
    for (const [query, name] of [
      ['status=', 'status'],
      ['category=', 'category'],
      ['status=,', 'status'],
      ['category=,%20,', 'category'],
    ]) {
      t.test(`${path}?${query}: an empty list is a 400 naming the filter`, async (t) => {
        t.same(await get(`${path}?${query}`), {
          status: 400,
          type: 'application/problem+json; charset=utf-8',
          body: problem(400, `Invalid query parameter: ${name}`, path, [{ in: 'query', name, message: 'must name at least 1 value' }]),
        })
      })
    }
  }

  for (const path of ['/v1/facilities', '/v1/changes']) {
    for (const limit of ['1e309', 'Infinity', '-Infinity']) {
      t.test(`${path}?limit=${limit}: not a finite number, a 400`, async (t) => {
        t.same(await get(`${path}?limit=${limit}`), {
          status: 400,
          type: 'application/problem+json; charset=utf-8',
          body: problem(400, 'Invalid query parameter: limit', path, [{ in: 'query', name: 'limit', message: 'must be a finite number' }]),
        })
      })
    }
  }

  t.test('q with a NUL is refused, not searched for', async (t) => {
    t.same((await get('/v1/facilities?q=a%00b')).body.errors, [
      {
        in: 'query',
        name: 'q',
        message: 'must be valid Unicode text without NUL characters (a lone surrogate or \\u0000 cannot be stored)',
      },
    ])
  })

  t.test('a NUL in any text parameter, on any route, is the same 400', async (t) => {
    for (const url of ['/v1/facilities?area=%00', '/v1/facilities/facets?q=%00', '/v1/areas?x=%00']) {
      const { status, body } = await get(url)
      t.equal(status, 400, url)
      t.match(body, { code: 'validation_failed', errors: [{ in: 'query', message: /NUL/ }] }, url)
    }
  })

  t.test('a path id longer than the router keeps is the 400 a bad id gets, as a problem', async (t) => {
    const path = `/v1/facilities/${'a'.repeat(120)}`
    const detail = 'A path segment is longer than any id of this API (at most 100 characters)'
    t.same(await get(path), {
      status: 400,
      type: 'application/problem+json; charset=utf-8',
      body: problem(400, detail, path, [{ in: 'path', name: path, message: detail }]),
    })
  })

  t.test('a malformed percent-encoding in the path is a problem too', async (t) => {
    const { status, type, body } = await get('/v1/facilities/%E0%A4%A')
    t.equal(status, 400)
    t.equal(type, 'application/problem+json; charset=utf-8')
    t.match(body, { code: 'validation_failed', detail: /percent-encode/ })
  })
})

forEachDatabase(t, 'JSON bodies', async (t, engine) => {
  const app = await build(t, engine)
  const editor = await keyFor(app, 'editor')

  const expectNothingStored = async (t: Tap, app: App) => {
    const list = await app.inject({ url: `/v1/facilities?q=${encodeURIComponent('禾花')}` })
    t.same(list.json().data, [])
  }
  type Tap = typeof t

  t.test('a name with a NUL or a lone surrogate: 400 naming the field, nothing stored', async (t) => {
    for (const zh of ['禾花\u0000幼儿园', '禾花\ud800幼儿园', '禾花\udc00']) {
      const response = await create(app, editor, { ...kindergarten, name: { zh } })
      t.equal(response.statusCode, 400)
      t.same(response.json().errors, [
        {
          in: 'body',
          name: '/name/zh',
          message: 'must be valid Unicode text without NUL characters (a lone surrogate or \\u0000 cannot be stored)',
        },
      ])
    }
    await expectNothingStored(t, app)
  })

  t.test('a pair of surrogates (an emoji, a rare character) is fine', async (t) => {
    const response = await create(app, editor, { ...kindergarten, slug: 'emoji', externalId: 'E1', name: { zh: '𠀀幼儿园 🌻' } })
    t.equal(response.statusCode, 201)
    t.equal(response.json().names['zh-Hans'], '𠀀幼儿园 🌻')
  })

  t.test('a status change reason with a NUL is refused at the edge', async (t) => {
    const created = await create(app, editor, { ...kindergarten, slug: 'for-status', externalId: 'S1' })
    const response = await app.inject({
      method: 'POST',
      url: `/v1/facilities/${created.json().id}/status-changes`,
      headers: { ...editor, 'content-type': 'application/json', 'if-match': '*' },
      payload: JSON.stringify({ status: 'temporarily_closed', reason: 'a\u0000b' }),
    })
    t.equal(response.statusCode, 400)
    t.match(response.json(), { errors: [{ in: 'body', name: '/reason' }] })
  })

  t.test('attributes nested 3,000 deep: 400, not a stack overflow', async (t) => {
    const response = await create(app, editor, { ...kindergarten, attributes: { note: deep(3000) } })
    t.equal(response.statusCode, 400)
    t.same(response.json().errors, [{ in: 'body', name: `/attributes/note${'/a'.repeat(14)}`, message: 'nests deeper than 16 levels' }])
  })

  t.test('attributes nested a little (16 levels in the body) are stored', async (t) => {
    const response = await create(app, editor, { ...kindergarten, slug: 'nested', externalId: 'N1', attributes: { note: deep(14) } })
    t.equal(response.statusCode, 201)
  })

  t.test('a patch nesting too deep is refused, and so is one making attributes too big', async (t) => {
    const created = await create(app, editor, { ...kindergarten, slug: 'to-patch', externalId: 'P1' })
    const id = created.json().id
    const tooDeep = await patch(app, id, { ...editor, 'if-match': '*' }, { attributes: { note: deep(1500) } })
    t.equal(tooDeep.statusCode, 400)
    t.match(tooDeep.json(), { errors: [{ in: 'body', message: 'nests deeper than 16 levels' }] })
    const tooBig = await patch(app, id, { ...editor, 'if-match': '*' }, { attributes: { note: 'x'.repeat(17_000) } })
    t.equal(tooBig.statusCode, 400)
    t.same(tooBig.json().errors, [{ in: 'body', name: '/attributes', message: 'must be at most 16 KB as JSON' }])
    const fine = await patch(app, id, { ...editor, 'if-match': '*' }, { attributes: { note: 'x' } })
    t.equal(fine.statusCode, 200)
  })

  t.test('an import row with a NUL (as a JSON escape) is rejected as the error of that row', async (t) => {
    const rows = [{ ...kindergarten, slug: 'import-nul', externalId: 'I1', name: { zh: 'a\u0000b' } }]
    const response = await app.inject({
      method: 'POST',
      url: '/v1/imports?atomic=true',
      headers: { ...editor, 'content-type': 'application/x-ndjson' },
      payload: rows.map((row) => JSON.stringify(row)).join('\n'),
    })
    t.equal(response.statusCode, 200)
    t.match(response.json(), {
      committed: false,
      summary: { rows: 1, rejected: 1 },
      rows: [
        {
          row: 1,
          outcome: 'rejected',
          errors: [
            {
              field: '/name/zh',
              message: 'must be valid Unicode text without NUL characters (a lone surrogate or \\u0000 cannot be stored)',
            },
          ],
        },
      ],
    })
  })
})

t.test('errors before Fastify: raw Chinese in the URL, headers over 16 KB', async (t) => {
  const app = await build(t, 'pglite', { seed: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as net.AddressInfo
  const raw = (request: Buffer) =>
    new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1')
      let answer = ''
      socket.on('data', (chunk) => {
        answer += chunk.toString()
      })
      socket.on('close', () => resolve(answer))
      socket.on('error', () => resolve(answer))
      socket.write(request)
    })
  const parse = (answer: string) => {
    const [head = '', body = ''] = answer.split('\r\n\r\n')
    return { statusLine: head.split('\r\n')[0], contentType: /content-type: (.*)/i.exec(head)?.[1], body: JSON.parse(body) }
  }

  t.test('q=华南 not percent-encoded (as `curl "…?q=华南"` sends it): a problem saying what to do', async (t) => {
    const answer = await raw(Buffer.from('GET /v1/facilities?q=华南 HTTP/1.1\r\nHost: linli\r\n\r\n'))
    t.same(parse(answer), {
      statusLine: 'HTTP/1.1 400 Bad Request',
      contentType: 'application/problem+json',
      body: {
        type: 'urn:linli:problem:malformed_request',
        title: 'The request is not valid HTTP',
        status: 400,
        detail:
          'The URL holds characters that must be percent-encoded (UTF-8): e.g. q=%E5%8D%8E%E5%8D%97 for q=华南 (curl: --data-urlencode with -G)',
        code: 'malformed_request',
      },
    })
  })

  t.test('a 100 KB header: 431 as a problem', async (t) => {
    const answer = await raw(Buffer.from(`GET /v1/areas HTTP/1.1\r\nHost: linli\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`))
    t.same(parse(answer), {
      statusLine: 'HTTP/1.1 431 Request Header Fields Too Large',
      contentType: 'application/problem+json',
      body: {
        type: 'urn:linli:problem:header_fields_too_large',
        title: 'The request headers are too large',
        status: 431,
        detail: 'The request headers are larger than 16 KB',
        code: 'header_fields_too_large',
      },
    })
  })
})
