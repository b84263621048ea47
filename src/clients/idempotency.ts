// The answers to writes sent with an Idempotency-Key (src/http/idempotency.ts), kept per client for
// a day. A key is claimed by inserting its row before the write runs — the primary key (client,
// key) makes the claim atomic across server processes — and the answer is stored once it is known.
import type { PrismaClient } from '../generated/prisma/client.js'

/** How long a key's answer is kept: a client retries within this long, or uses a new key. */
export const idempotencyKeyLifetimeMs = 24 * 3_600_000

export interface StoredAnswer {
  status: number
  headers: Record<string, string>
  body: string
}

export type Claim =
  /** The key is new (or its answer expired): the request goes ahead. */
  | { kind: 'claimed' }
  /** The key was used for another request. */
  | { kind: 'mismatch' }
  /** The first request with this key has not been answered yet; since when. */
  | { kind: 'in_progress'; since: Date }
  | { kind: 'answered'; answer: StoredAnswer }

export function idempotencyKeys(prisma: PrismaClient) {
  /** Expired keys are swept now and then, when a key is claimed: at most this often per process. */
  const sweepEveryMs = 60_000
  let sweptAt = 0

  return {
    async claim(clientId: string, key: string, fingerprint: string, now: Date): Promise<Claim> {
      if (now.getTime() - sweptAt > sweepEveryMs) {
        sweptAt = now.getTime()
        await prisma.idempotencyKey.deleteMany({ where: { expiresAt: { lte: now } } })
      }
      const expiresAt = new Date(now.getTime() + idempotencyKeyLifetimeMs)
      // Twice at most: a row found expired is removed and the key claimed afresh.
      for (let attempt = 0; attempt < 2; attempt++) {
        const claimed = await prisma.idempotencyKey.createMany({
          data: [{ clientId, key, fingerprint, createdAt: now, expiresAt }],
          skipDuplicates: true,
        })
        if (claimed.count === 1) return { kind: 'claimed' }
        const existing = await prisma.idempotencyKey.findUnique({ where: { clientId_key: { clientId, key } } })
        if (existing === null) continue
        if (existing.expiresAt <= now) {
          await prisma.idempotencyKey.deleteMany({ where: { clientId, key, expiresAt: { lte: now } } })
          continue
        }
        if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' }
        if (existing.status === null || existing.body === null) return { kind: 'in_progress', since: existing.createdAt }
        return {
          kind: 'answered',
          answer: { status: existing.status, headers: existing.headers as Record<string, string>, body: existing.body },
        }
      }
      // Only when another request claims, answers and lets expire the same key between our two tries.
      return { kind: 'in_progress', since: now }
    },

    async answer(clientId: string, key: string, answer: StoredAnswer): Promise<void> {
      await prisma.idempotencyKey.updateMany({
        where: { clientId, key, status: null },
        data: { status: answer.status, headers: answer.headers, body: answer.body },
      })
    },

    /** Gives the key back when the request ended without an answer worth keeping (a server error). */
    async release(clientId: string, key: string): Promise<void> {
      await prisma.idempotencyKey.deleteMany({ where: { clientId, key, status: null } })
    },
  }
}

export type IdempotencyKeys = ReturnType<typeof idempotencyKeys>
