// Configuration comes from environment variables only, validated once at start-up so a bad value
// stops the process with a message naming the variable, instead of failing later.
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import type { ClientRole } from './generated/prisma/enums.js'
import type { MapTiles } from './web/map.js'

/** Requests a minute by key role and for anonymous addresses (src/plugins/rate-limit.ts). */
export type RateLimits = Record<'anonymous' | ClientRole, number> & {
  /** The counting window in milliseconds; a minute unless a test shortens it. */
  windowMs?: number
  /** redis://… of a store several server processes share; without it each process counts alone. */
  redisUrl?: string
  /** Suggestions an hour from one address (POST /v1/suggestions); defaultRouteLimits unless given. */
  suggestions?: number
  /** Sign-in attempts a quarter of an hour from one address (POST /staff/session). */
  signIns?: number
}

/** The stricter budgets of the routes anyone may call to write something, per address. */
export const defaultRouteLimits = { suggestions: 10, signIns: 10 }

/**
 * Requests a minute, when no RATE_LIMIT_* variable says otherwise. Residents browse anonymously
 * (2 a second per address is more than a person paging through results needs); integrations
 * that keep a copy in sync read with a key; editors write by hand or in small batches.
 */
export const defaultRateLimits = { anonymous: 120, reader: 1200, editor: 600, admin: 1200 } satisfies RateLimits

const perMinute = (value: number) => Type.Integer({ minimum: 1, default: value })

const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  /** A postgresql:// URL switches from the embedded database to a real PostgreSQL. */
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /**
   * A streaming replica of DATABASE_URL's database: searches, facets, the export and the change
   * feed read there (this process's own writes excepted, until the replica has them).
   */
  DATABASE_READ_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** Connections to DATABASE_URL, and as many again to DATABASE_READ_URL. */
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  /** Folder of the embedded (PGlite) database, used when DATABASE_URL is not set. */
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  /** Load the Pinghu seed data into an empty database at start-up. */
  SEED_ON_START: Type.Boolean({ default: true }),
  /** false serves every request without counting (a load test from one address). */
  RATE_LIMIT_ENABLED: Type.Boolean({ default: true }),
  /** Requests a minute for each address without a key, and for each key by its role. */
  RATE_LIMIT_ANONYMOUS: perMinute(defaultRateLimits.anonymous),
  RATE_LIMIT_READER: perMinute(defaultRateLimits.reader),
  RATE_LIMIT_EDITOR: perMinute(defaultRateLimits.editor),
  RATE_LIMIT_ADMIN: perMinute(defaultRateLimits.admin),
  /** A Redis shared by several server processes, so a limit holds across them. */
  RATE_LIMIT_REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  /** Origins (comma-separated scheme://host[:port]) whose pages may write from a browser; reads are open to all. */
  CORS_ORIGINS: Type.String({ default: '', pattern: '^(https?://[^,\\s/]+(,\\s*https?://[^,\\s/]+)*)?$' }),
  /** Suggestions an hour from one address (residents, no key). */
  RATE_LIMIT_SUGGESTIONS: Type.Integer({ minimum: 1, default: defaultRouteLimits.suggestions }),
  /** Staff sign-in attempts a quarter of an hour from one address. */
  RATE_LIMIT_SIGN_INS: Type.Integer({ minimum: 1, default: defaultRouteLimits.signIns }),
  /** A staff session ends after this many minutes without a request… */
  STAFF_SESSION_IDLE_MINUTES: Type.Integer({ minimum: 1, default: 30 }),
  /** …and after this many hours at most. */
  STAFF_SESSION_MAX_HOURS: Type.Integer({ minimum: 1, default: 12 }),
  /**
   * Whether to believe X-Forwarded-For/-Proto (the client's address for rate limits, https for
   * Secure cookies): false (direct), true (any proxy), a number of proxy hops, or the proxies'
   * addresses/CIDRs, comma-separated (Fastify's trustProxy).
   */
  TRUST_PROXY: Type.String({ default: 'false' }),
  /**
   * The residents' map: a tile URL template ({z}, {x}, {y}; {s} for subdomains), e.g.
   * https://tile.example.org/{z}/{x}/{y}.png. Unset: no map, the pages list places only.
   */
  MAP_TILE_URL: Type.Optional(Type.String({ pattern: '^https?://[^/?#]+' })),
  /** The attribution the tile provider requires, shown on the map as text; required with MAP_TILE_URL. */
  MAP_TILE_ATTRIBUTION: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  /** true when the tiles are drawn in GCJ-02 (most Chinese tile services): places are shifted to match. */
  MAP_TILES_GCJ02: Type.Boolean({ default: false }),
  /** When set, GET /metrics answers only requests with `Authorization: Bearer <this token>`. */
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  /**
   * Let webhook subscriptions target loopback, private and link-local addresses (a receiver on
   * this machine or network). Off: such URLs are refused when subscribed and at each delivery.
   */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: Type.Boolean({ default: false }),
  /**
   * Answer the list, nearby and text searches from an in-memory index of this process (built at
   * start-up, following the change log; src/facilities/read-index). On by default since it
   * measured faster than the SQL (bench/README.md); off: every search is SQL.
   */
  SEARCH_INDEX: Type.Boolean({ default: true }),
  /**
   * MiB of public answers (searches, facilities, the residents' pages) kept in memory and sent
   * again while nothing they were read from has changed, within the minute (src/http/answer-cache.ts);
   * 0 keeps none. Needs SEARCH_INDEX, whose generation tells what is current.
   */
  ANSWER_CACHE_MB: Type.Integer({ minimum: 0, maximum: 1024, default: 16 }),
})

export type Config = Static<typeof ConfigSchema>

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, so `DATABASE_URL= npm start` means the embedded default.
  const known = Object.keys(ConfigSchema.properties)
  const given = Object.fromEntries(
    Object.entries(env).filter(([name, value]) => known.includes(name) && value !== undefined && value !== ''),
  )
  const config = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, given))
  const problems = Value.Errors(ConfigSchema, config).map((error) => {
    const name = error.instancePath.slice(1) || Object.keys(error.params).join(', ')
    return `${name} ${error.message} (got ${JSON.stringify(env[name])})`
  })
  problems.push(...mapProblems(config as Config))
  const databases = config as Partial<Config>
  if (databases.DATABASE_READ_URL !== undefined && databases.DATABASE_URL === undefined) {
    problems.push('DATABASE_READ_URL needs DATABASE_URL (a replica of the embedded database cannot be)')
  }
  if (problems.length > 0) throw new Error(`invalid configuration: ${problems.join('; ')}`)
  return config as Config
}

/** What is wrong with the map's settings, beyond their types. */
function mapProblems(config: Partial<Config>): string[] {
  const url = config.MAP_TILE_URL
  if (url === undefined) {
    return config.MAP_TILE_ATTRIBUTION === undefined ? [] : ['MAP_TILE_ATTRIBUTION is set but MAP_TILE_URL is not']
  }
  const problems = ['{z}', '{x}', '{y}']
    .filter((placeholder) => !url.includes(placeholder))
    .map((placeholder) => `MAP_TILE_URL must contain ${placeholder} (got ${JSON.stringify(url)})`)
  if (config.MAP_TILE_ATTRIBUTION === undefined)
    problems.push("MAP_TILE_ATTRIBUTION is required with MAP_TILE_URL (the tile provider's credit)")
  return problems
}

/** The map's tiles, as buildApp takes them; undefined (no map) without MAP_TILE_URL. */
export function mapTilesOf(config: Config): MapTiles | undefined {
  if (config.MAP_TILE_URL === undefined || config.MAP_TILE_ATTRIBUTION === undefined) return undefined
  return { url: config.MAP_TILE_URL, attribution: config.MAP_TILE_ATTRIBUTION, gcj02: config.MAP_TILES_GCJ02 }
}

/** The origins of CORS_ORIGINS, as buildApp takes them. */
export const corsOriginsOf = (config: Config): string[] =>
  config.CORS_ORIGINS.split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '')
/** Fastify's trustProxy from TRUST_PROXY. */
export function trustProxyOf(config: Config): boolean | number | string {
  const value = config.TRUST_PROXY.trim()
  if (value === 'true' || value === 'false') return value === 'true'
  if (/^\d+$/.test(value)) return Number(value)
  return value
}

/** The staff session lifetimes buildApp takes, from the configuration. */
export function sessionLifetimesOf(config: Config) {
  return { idleMs: config.STAFF_SESSION_IDLE_MINUTES * 60_000, absoluteMs: config.STAFF_SESSION_MAX_HOURS * 3_600_000 }
}

/** The rate limits buildApp takes, from the configuration; false when they are switched off. */
export function rateLimitsOf(config: Config): RateLimits | false {
  if (!config.RATE_LIMIT_ENABLED) return false
  return {
    anonymous: config.RATE_LIMIT_ANONYMOUS,
    reader: config.RATE_LIMIT_READER,
    editor: config.RATE_LIMIT_EDITOR,
    admin: config.RATE_LIMIT_ADMIN,
    suggestions: config.RATE_LIMIT_SUGGESTIONS,
    signIns: config.RATE_LIMIT_SIGN_INS,
    ...(config.RATE_LIMIT_REDIS_URL === undefined ? {} : { redisUrl: config.RATE_LIMIT_REDIS_URL }),
  }
}
