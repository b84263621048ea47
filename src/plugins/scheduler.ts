// Scheduled status changes take effect at their moment without an outside cron: before any /v1
// request is answered, changes that have come due are applied (so reads, writes and the change
// feed all see them from that moment on, whichever process answers), and a timer applies them
// when no request comes. State lives only in the database, so a restart or several server
// processes change nothing; applyDueStatusChanges makes sure each change is applied once.
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    statusSchedule: {
      /** Applies the changes due by the app's clock. */
      catchUp: () => Promise<void>
      /** Tells the schedule a change was scheduled by this process. */
      changed: () => void
    }
  }
}

/** How stale this process's idea of the next due moment may get (changes scheduled by other processes). */
const refreshMs = 1_000
/** The longest the timer sleeps, so changes scheduled elsewhere are applied without a request too. */
const idleTickMs = 30_000

export default fp(
  async (fastify) => {
    let nextDue: Date | null | undefined
    let fetchedAt = 0
    let applying: Promise<unknown> | null = null

    async function catchUp() {
      if (nextDue === undefined || performance.now() - fetchedAt > refreshMs) {
        nextDue = await fastify.facilities.nextScheduledChange()
        fetchedAt = performance.now()
      }
      const now = fastify.clock()
      if (nextDue === null || nextDue > now) return
      // One run at a time in this process; requests arriving meanwhile wait for it.
      applying ??= fastify.facilities.applyDueStatusChanges(now).finally(() => {
        applying = null
        nextDue = undefined
      })
      await applying
    }

    fastify.decorate('statusSchedule', {
      catchUp,
      changed: () => {
        nextDue = undefined
      },
    })

    fastify.addHook('onRequest', async (request) => {
      if (!request.url.startsWith('/v1/')) return
      try {
        await catchUp()
      } catch (error) {
        // The request itself will say if the database is unavailable; this must not hide it.
        request.log.warn({ err: error }, 'could not apply scheduled status changes')
      }
    })

    let timer: NodeJS.Timeout | undefined
    let ticking: Promise<void> = Promise.resolve()
    let closed = false
    const tick = async () => {
      try {
        await catchUp()
      } catch (error) {
        fastify.log.warn({ err: error }, 'could not apply scheduled status changes')
      }
      if (closed) return
      const wait = nextDue == null ? idleTickMs : Math.max(0, Math.min(idleTickMs, nextDue.getTime() - fastify.clock().getTime()))
      timer = setTimeout(() => (ticking = tick()), wait).unref()
    }
    fastify.addHook('onReady', async () => {
      timer = setTimeout(() => (ticking = tick()), 0).unref()
    })
    fastify.addHook('onClose', async () => {
      closed = true
      clearTimeout(timer)
      await ticking
      await applying
    })
  },
  { name: 'scheduler', dependencies: ['services'] },
)
