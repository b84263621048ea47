import t from 'tap'
import { corsOriginsOf, loadConfig, mapTilesOf, rateLimitsOf, sessionLifetimesOf, trustProxyOf } from '../src/config.js'
import { tileSource } from '../src/web/map.js'

t.test('defaults', async (t) => {
  t.same(loadConfig({}), {
    PORT: 3000,
    HOST: '127.0.0.1',
    DATABASE_POOL_SIZE: 10,
    DATA_DIR: './data',
    LOG_LEVEL: 'info',
    SEED_ON_START: true,
    RATE_LIMIT_ENABLED: true,
    RATE_LIMIT_ANONYMOUS: 120,
    RATE_LIMIT_READER: 1200,
    RATE_LIMIT_EDITOR: 600,
    RATE_LIMIT_ADMIN: 1200,
    CORS_ORIGINS: '',
    RATE_LIMIT_SUGGESTIONS: 10,
    RATE_LIMIT_SIGN_INS: 10,
    STAFF_SESSION_IDLE_MINUTES: 30,
    STAFF_SESSION_MAX_HOURS: 12,
    TRUST_PROXY: 'false',
    MAP_TILES_GCJ02: false,
    WEBHOOK_ALLOW_PRIVATE_TARGETS: false,
    SEARCH_INDEX: true,
    ANSWER_CACHE_MB: 16,
  })
  t.equal(mapTilesOf(loadConfig({})), undefined, 'no tiles, no map')
})

t.test('the map: a tile URL template with its attribution, and whether the tiles are GCJ-02', async (t) => {
  const config = loadConfig({
    MAP_TILE_URL: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png',
    MAP_TILE_ATTRIBUTION: '© Example Maps',
    MAP_TILES_GCJ02: 'true',
  })
  t.same(mapTilesOf(config), { url: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png', attribution: '© Example Maps', gcj02: true })
  t.equal(tileSource('https://{s}.tiles.example.org/{z}/{x}/{y}.png'), 'https://*.tiles.example.org', 'the policy allows every subdomain')
  t.equal(tileSource('http://127.0.0.1:8080/tiles?x={x}&y={y}&z={z}'), 'http://127.0.0.1:8080')
  t.throws(() => loadConfig({ MAP_TILE_URL: 'tiles.example.org/{z}/{x}/{y}.png', MAP_TILE_ATTRIBUTION: 'x' }), /MAP_TILE_URL/)
  t.throws(
    () => loadConfig({ MAP_TILE_URL: 'https://tiles.example.org/{z}/{x}.png', MAP_TILE_ATTRIBUTION: 'x' }),
    /MAP_TILE_URL must contain \{y\}/,
  )
  t.throws(() => loadConfig({ MAP_TILE_URL: 'https://tiles.example.org/{z}/{x}/{y}.png' }), /MAP_TILE_ATTRIBUTION is required/)
  t.throws(() => loadConfig({ MAP_TILE_ATTRIBUTION: '© Example Maps' }), /MAP_TILE_ATTRIBUTION is set but MAP_TILE_URL is not/)
  t.throws(() => loadConfig({ MAP_TILES_GCJ02: 'maybe' }), /MAP_TILES_GCJ02/)
})

t.test('SEARCH_INDEX: true or false', async (t) => {
  t.equal(loadConfig({ SEARCH_INDEX: 'false' }).SEARCH_INDEX, false)
  t.throws(() => loadConfig({ SEARCH_INDEX: 'yes please' }), /SEARCH_INDEX/)
})

t.test('WEBHOOK_ALLOW_PRIVATE_TARGETS: true or false', async (t) => {
  t.equal(loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }).WEBHOOK_ALLOW_PRIVATE_TARGETS, true)
  t.equal(loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' }).WEBHOOK_ALLOW_PRIVATE_TARGETS, false)
  t.throws(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'maybe' }), /WEBHOOK_ALLOW_PRIVATE_TARGETS/)
})

t.test('CORS_ORIGINS: comma-separated origins, or none', async (t) => {
  t.same(corsOriginsOf(loadConfig({})), [])
  t.same(corsOriginsOf(loadConfig({ CORS_ORIGINS: 'https://a.example.org, http://localhost:5173' })), [
    'https://a.example.org',
    'http://localhost:5173',
  ])
  t.throws(() => loadConfig({ CORS_ORIGINS: 'a.example.org' }), /CORS_ORIGINS/)
  t.throws(() => loadConfig({ CORS_ORIGINS: 'https://a.example.org/app' }), /CORS_ORIGINS/)
})

t.test('staff sessions and the proxy in front', async (t) => {
  t.same(sessionLifetimesOf(loadConfig({ STAFF_SESSION_IDLE_MINUTES: '15', STAFF_SESSION_MAX_HOURS: '8' })), {
    idleMs: 900_000,
    absoluteMs: 28_800_000,
  })
  t.equal(trustProxyOf(loadConfig({})), false)
  t.equal(trustProxyOf(loadConfig({ TRUST_PROXY: 'true' })), true)
  t.equal(trustProxyOf(loadConfig({ TRUST_PROXY: '2' })), 2)
  t.equal(trustProxyOf(loadConfig({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' })), '10.0.0.0/8,127.0.0.1')
  t.throws(() => loadConfig({ STAFF_SESSION_IDLE_MINUTES: '0' }), /STAFF_SESSION_IDLE_MINUTES/)
})

t.test('values from the environment', async (t) => {
  t.match(loadConfig({ PORT: '8080', DATABASE_URL: 'postgresql://db/linli', LOG_LEVEL: 'warn', SEED_ON_START: 'false' }), {
    PORT: 8080,
    DATABASE_URL: 'postgresql://db/linli',
    LOG_LEVEL: 'warn',
    SEED_ON_START: false,
  })
})

t.test('a read replica and a metrics token', async (t) => {
  t.match(
    loadConfig({
      DATABASE_URL: 'postgresql://primary/linli',
      DATABASE_READ_URL: 'postgresql://replica/linli',
      METRICS_TOKEN: 'a-token-of-sixteen-characters',
    }),
    { DATABASE_READ_URL: 'postgresql://replica/linli', METRICS_TOKEN: 'a-token-of-sixteen-characters' },
  )
})

t.test('an empty variable counts as unset', async (t) => {
  t.equal(loadConfig({ DATABASE_URL: '' }).DATABASE_URL, undefined)
})

t.test('a bad value is refused with the variable named', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/)
  t.throws(() => loadConfig({ PORT: '70000' }), /PORT/)
  t.throws(() => loadConfig({ DATABASE_URL: 'mysql://db/linli' }), /DATABASE_URL/)
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/)
  t.throws(() => loadConfig({ RATE_LIMIT_ANONYMOUS: '0' }), /RATE_LIMIT_ANONYMOUS/)
  t.throws(() => loadConfig({ RATE_LIMIT_REDIS_URL: '127.0.0.1:6379' }), /RATE_LIMIT_REDIS_URL/)
  t.throws(() => loadConfig({ DATABASE_READ_URL: 'postgresql://replica/linli' }), /DATABASE_READ_URL needs DATABASE_URL/)
  t.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), /METRICS_TOKEN/)
})

t.test('the rate limits the app is built with', async (t) => {
  t.same(rateLimitsOf(loadConfig({})), { anonymous: 120, reader: 1200, editor: 600, admin: 1200, suggestions: 10, signIns: 10 })
  t.same(rateLimitsOf(loadConfig({ RATE_LIMIT_ANONYMOUS: '60', RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:6379' })), {
    anonymous: 60,
    reader: 1200,
    editor: 600,
    admin: 1200,
    suggestions: 10,
    signIns: 10,
    redisUrl: 'redis://127.0.0.1:6379',
  })
  t.equal(rateLimitsOf(loadConfig({ RATE_LIMIT_ENABLED: 'false' })), false)
})
