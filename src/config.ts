// Configuration comes from environment variables only, validated once at start-up so a bad value
// stops the process with a message naming the variable, instead of failing later.
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  /** A postgresql:// URL switches from the embedded database to a real PostgreSQL. */
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  /** Folder of the embedded (PGlite) database, used when DATABASE_URL is not set. */
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  /** Load the Pinghu seed data into an empty database at start-up. */
  SEED_ON_START: Type.Boolean({ default: true }),
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
  if (problems.length > 0) throw new Error(`invalid configuration: ${problems.join('; ')}`)
  return config as Config
}
