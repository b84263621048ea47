// `npm run -s mcp`: the MCP server over standard input/output, for an assistant that starts it
// as a subprocess. Standard output carries the protocol only; messages go to standard error.
//
// With LINLI_URL it reads from that running Linli over HTTP (LINLI_API_KEY, if set, is sent as
// its key): the way to use it while a server holds the embedded database, which one process
// at a time may open. Without it, it opens the configured database itself (DATABASE_URL, or the
// embedded one in DATA_DIR, refused clearly while a server has it), migrated and seeded as the
// server would, and reads through the app's own routes without listening on any port.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { prepareDatabase } from '../prepare.js'
import { httpReader, injectReader, type DirectoryReader } from './reader.js'
import { createMcpServer } from './tools.js'

const fail = (message: string): never => {
  console.error(`Linli MCP cannot start: ${message}`)
  process.exit(1)
}

let read: DirectoryReader
let origin: string
let close = async () => {}

const linliUrl = process.env.LINLI_URL
if (linliUrl !== undefined && linliUrl !== '') {
  let url: URL
  try {
    url = new URL(linliUrl)
  } catch {
    url = fail(`LINLI_URL is not a URL (got ${JSON.stringify(linliUrl)})`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`LINLI_URL must be http:// or https:// (got ${JSON.stringify(linliUrl)})`)
  read = httpReader(url.toString(), process.env.LINLI_API_KEY || undefined)
  origin = url.origin
} else {
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig()
  } catch (error) {
    config = fail((error as Error).message)
  }
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 }).catch((error: Error) =>
    fail(error.message),
  )
  const log = {
    info: (...parts: unknown[]) => console.error(parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ')),
  }
  await prepareDatabase(database, { seed: config.SEED_ON_START, log }).catch(async (error: Error) => {
    await database.close()
    fail(error.message)
  })
  // Its own reader is the only caller: nothing to rate-limit, and no port is opened.
  const app = await buildApp({ database, logLevel: 'silent', rateLimits: false })
  await app.ready()
  read = injectReader(app)
  origin = ''
  close = async () => {
    await app.close()
    await database.close()
  }
}

const server = createMcpServer(read, { origin })
const transport = new StdioServerTransport()
let closing = false
const shutdown = async () => {
  if (closing) return
  closing = true
  await server.close()
  await close()
  process.exit(0)
}
// The assistant ends the session by closing our standard input, or by a signal.
process.stdin.on('end', shutdown)
process.stdin.on('close', shutdown)
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
await server.connect(transport)
console.error(`Linli MCP server ready on stdio (${linliUrl ? `reading ${origin}` : 'reading the database directly'})`)
