// What an operator watches, in Prometheus's text format (prom-client), served by src/api/metrics.ts:
// requests by route pattern, method and status with their durations (the rate is the count's
// rate), the database pools, scheduled status changes still to apply, and the process itself
// (CPU, memory, event-loop delay, garbage collection). Each app has its own registry, so two apps
// in one process (the tests) do not mix their numbers; the process's own metrics are collected
// once per process and shared, because collecting them starts observers (garbage collection,
// event-loop delay) that nothing stops: one set per app kept every closed app alive.
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry
  }
}

let processMetrics: Registry | undefined

/** CPU, memory, event-loop delay and garbage collection of this process, started on first use. */
function processRegistry(): Registry {
  if (processMetrics === undefined) {
    processMetrics = new Registry()
    collectDefaultMetrics({ register: processMetrics })
  }
  return processMetrics
}

/** Seconds: the API's answers take milliseconds; the export of a large directory takes seconds. */
const durationBuckets = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

export default fp(
  async (fastify) => {
    const registry = new Registry()

    const requests = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Requests answered, by method, route pattern and status code, and how long each took to its last byte',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: durationBuckets,
      registers: [registry],
    })
    fastify.addHook('onResponse', async (request, reply) => {
      // The pattern (/v1/facilities/:id), not the path: one series per route, whatever the ids.
      // Requests no route answers share one series, so scanners cannot grow the label set.
      const route = request.routeOptions.url ?? '(no route)'
      requests.observe({ method: request.method, route, status_code: reply.statusCode }, reply.elapsedTime / 1000)
    })

    new Gauge({
      name: 'linli_database_connections',
      help: 'Connections of each PostgreSQL pool (primary, replica) by state: in_use or idle',
      labelNames: ['pool', 'state'] as const,
      registers: [registry],
      collect() {
        for (const use of fastify.database.pools()) {
          this.set({ pool: use.pool, state: 'in_use' }, use.inUse)
          this.set({ pool: use.pool, state: 'idle' }, use.idle)
        }
      },
    })
    new Gauge({
      name: 'linli_database_waiting_queries',
      help: 'Queries waiting for a free connection of each PostgreSQL pool: above 0 for long, the pool is too small or the database too slow',
      labelNames: ['pool'] as const,
      registers: [registry],
      collect() {
        for (const use of fastify.database.pools()) this.set({ pool: use.pool }, use.waiting)
      },
    })
    new Gauge({
      name: 'linli_scheduled_status_changes',
      help: 'Scheduled status changes not applied yet (pending), and those of them already due (due: should be 0 within seconds)',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        try {
          const { pending, due } = await fastify.facilities.scheduledChanges(fastify.clock())
          this.set({ state: 'pending' }, pending)
          this.set({ state: 'due' }, due)
        } catch (error) {
          // The rest of the metrics must still answer when the database does not.
          this.reset()
          fastify.log.warn({ err: error }, 'could not count scheduled status changes for /metrics')
        }
      },
    })

    fastify.decorate('metrics', Registry.merge([processRegistry(), registry]))
  },
  { name: 'metrics', dependencies: ['services'] },
)
