// Browser-facing defaults: CORS open for anonymous reads from any origin and for writes only from
// the configured origins; security headers on every answer; and a Content Security Policy under
// which the /docs page (Swagger UI) still loads all it needs from this server.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { enforceContract } from '../contract.js'
import { preparedTestDatabase } from '../helper.js'

t.test('CORS and security headers', async (t) => {
  const database = await preparedTestDatabase(t, 'pglite', { seed: false })
  const app = await buildApp({ database, logLevel: 'silent', corsOrigins: ['https://console.example.org'] })
  t.teardown(() => app.close())
  await app.ready()
  enforceContract(app)
  const preflight = (origin: string, method: string, headers = '') =>
    app.inject({
      method: 'OPTIONS',
      url: '/v1/facilities',
      headers: { origin, 'access-control-request-method': method, ...(headers ? { 'access-control-request-headers': headers } : {}) },
    })

  t.test('a page on any origin may read, without a key', async (t) => {
    const read = await app.inject({ url: '/v1/areas', headers: { origin: 'https://someone.example.com' } })
    t.equal(read.statusCode, 200)
    t.equal(read.headers['access-control-allow-origin'], '*')
    t.match(read.headers['access-control-expose-headers'], /etag/)
    const allowed = await preflight('https://someone.example.com', 'GET')
    t.equal(allowed.statusCode, 204)
    t.equal(allowed.headers['access-control-allow-origin'], '*')
    t.notMatch(String(allowed.headers['access-control-allow-headers']), /authorization/, 'but may not send a key')
  })

  t.test('writes only from a configured origin', async (t) => {
    const stranger = await preflight('https://someone.example.com', 'POST', 'authorization,content-type')
    t.equal(stranger.headers['access-control-allow-origin'], undefined, 'an unlisted origin is not allowed to write')
    const console = await preflight('https://console.example.org', 'PATCH', 'authorization,content-type,if-match')
    t.equal(console.statusCode, 204)
    t.equal(console.headers['access-control-allow-origin'], 'https://console.example.org')
    t.match(console.headers['access-control-allow-methods'], /PATCH/)
    t.match(console.headers['access-control-allow-headers'], /authorization/)
  })

  t.test('security headers on every answer, problems included', async (t) => {
    for (const url of ['/v1/areas', '/v2/nothing']) {
      const response = await app.inject({ url })
      t.equal(response.headers['x-content-type-options'], 'nosniff', url)
      t.equal(response.headers['referrer-policy'], 'no-referrer', url)
      t.equal(response.headers['x-frame-options'], 'SAMEORIGIN', url)
      t.match(response.headers['content-security-policy'], /default-src 'self'/, url)
    }
  })

  t.test('the /docs page loads under the policy: no inline script, every asset from this server', async (t) => {
    let response = await app.inject({ url: '/docs' })
    for (let hops = 0; hops < 3 && response.statusCode >= 300 && response.statusCode < 400; hops++) {
      response = await app.inject({ url: new URL(String(response.headers.location), 'http://linli/docs/').pathname })
    }
    t.equal(response.statusCode, 200)
    const csp = String(response.headers['content-security-policy'])
    t.match(csp, /script-src 'self'/)
    const html = response.body
    t.notMatch(html, /<script(?![^>]*\bsrc=)[^>]*>\s*\S/, 'no inline script, which the policy would block')
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '').filter((ref) => !ref.startsWith('#'))
    t.ok(assets.length >= 3, `assets: ${assets.join(', ')}`)
    for (const asset of assets) {
      t.notMatch(asset, /^(https?:)?\/\//, `${asset} is served by this server`)
      const loaded = await app.inject({ url: new URL(asset, 'http://linli/docs/static/').pathname })
      t.equal(loaded.statusCode, 200, asset)
    }
  })
})
