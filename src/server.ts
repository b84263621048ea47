// Starts Linli: reads the configuration, opens and prepares the database, listens, and closes
// everything in order on SIGINT/SIGTERM.
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { corsOriginsOf, loadConfig, mapTilesOf, rateLimitsOf, sessionLifetimesOf, trustProxyOf } from './config.js'
import { openDatabase } from './db/database.js'
import { prepareDatabase } from './prepare.js'

let config: ReturnType<typeof loadConfig>
try {
  config = loadConfig()
} catch (error) {
  console.error(`Linli cannot start: ${(error as Error).message}`)
  process.exit(1)
}

const database = await openDatabase({
  databaseUrl: config.DATABASE_URL,
  readUrl: config.DATABASE_READ_URL,
  dataDir: config.DATA_DIR,
  poolSize: config.DATABASE_POOL_SIZE,
}).catch((error: Error) => {
  console.error(`Linli cannot start: ${error.message}`)
  process.exit(1)
})

const app = await buildApp({
  database,
  logLevel: config.LOG_LEVEL,
  rateLimits: rateLimitsOf(config),
  corsOrigins: corsOriginsOf(config),
  sessionLifetimes: sessionLifetimesOf(config),
  trustProxy: trustProxyOf(config),
  mapTiles: mapTilesOf(config),
  metricsToken: config.METRICS_TOKEN,
  webhooks: { allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS },
  searchIndex: config.SEARCH_INDEX,
  answerCacheBytes: config.ANSWER_CACHE_MB * 1024 * 1024,
}).catch(async (error: Error) => {
  console.error(`Linli cannot start: ${error.message}`)
  await database.close()
  process.exit(1)
})
app.addHook('onClose', () => database.close())

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an error')
  else app.log.info({ signal }, 'closing')
  await app.close()
})

try {
  await prepareDatabase(database, { seed: config.SEED_ON_START, log: app.log })
  await app.listen({ port: config.PORT, host: config.HOST })
  app.log.info({ database: database.engine }, 'Linli is ready')
} catch (error) {
  app.log.error({ err: error }, 'Linli could not start')
  await app.close()
  process.exit(1)
}
