// Whether an error means the database cannot be reached (down, restarting, dropped, out of
// connections) rather than that a query was wrong: the API answers the first with 503 and a
// Retry-After, never a 500.

/** Kinds @prisma/driver-adapter-utils gives errors that are about the connection, not the query. */
const unavailableKinds = new Set([
  'DatabaseDoesNotExist',
  'DatabaseNotReachable',
  'DatabaseAccessDenied',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
])

/** PostgreSQL SQLSTATEs of the same: connection exceptions (08…), shutdown (57P0…), no database, no connections. */
const unavailableStates = /^(08...|57P0[1-4]|3D000|53300)$/

const nodeNetworkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE'])

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current != null && depth < 5; depth += 1) {
    if (typeof current !== 'object') return false
    const e = current as {
      name?: string
      message?: string
      code?: string
      kind?: string
      originalCode?: string
      meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } }
      cause?: unknown
    }
    const adapterCause = e.meta?.driverAdapterError?.cause
    if (
      e.name === 'PrismaClientInitializationError' ||
      (e.name === 'PrismaClientKnownRequestError' && /^P10\d\d$/.test(e.code ?? '') && e.code !== 'P1012') ||
      unavailableKinds.has(adapterCause?.kind ?? e.kind ?? '') ||
      unavailableStates.test(adapterCause?.originalCode ?? e.originalCode ?? e.code ?? '') ||
      nodeNetworkCodes.has(e.code ?? '') ||
      e.message === 'PGlite is closed'
    ) {
      return true
    }
    current = e.cause
  }
  return false
}
