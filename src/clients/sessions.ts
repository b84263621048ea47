// Staff sessions: a browser signs in with an API key once and then carries a random session token
// in a cookie instead (src/console/session.ts). Only the token's SHA-256 is stored, in the
// database, so every server process shares the sessions; each has an idle and an absolute expiry
// and the synchronizer token its forms must carry (CSRF). A session ends when it expires, when
// its staff member signs out, and when its key is revoked.
import { randomBytes } from 'node:crypto'
import type { PrismaClient } from '../generated/prisma/client.js'
import { clientOfKey, hashKey } from './keys.js'

export interface SessionLifetimes {
  /** How long a session lasts without a request. */
  idleMs: number
  /** How long a session lasts at most, however busy. */
  absoluteMs: number
}

export const defaultSessionLifetimes: SessionLifetimes = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 }

/** How often lastSeenAt is brought up to date: idle expiry is exact to this much. */
const touchResolutionMs = 30_000

const tokenHash = (token: string) => hashKey(token).toString('hex')

export function staffSessions(prisma: PrismaClient, lifetimes: SessionLifetimes = defaultSessionLifetimes) {
  return {
    lifetimes,
    /** A new session for the client of a key, unless the key is unknown or revoked. */
    async signIn(key: string, now: Date) {
      const client = await clientOfKey(prisma, key)
      if (client === null) return null
      const token = randomBytes(32).toString('base64url')
      const csrfToken = randomBytes(32).toString('base64url')
      const expiresAt = new Date(now.getTime() + lifetimes.absoluteMs)
      await prisma.staffSession.create({
        data: { tokenHash: tokenHash(token), clientId: client.id, csrfToken, createdAt: now, lastSeenAt: now, expiresAt },
      })
      // Expired sessions of anyone are swept now and then, when someone signs in.
      await prisma.staffSession.deleteMany({ where: { expiresAt: { lte: now } } })
      return { token, csrfToken, client, expiresAt }
    },

    /** The session a cookie's token names, if it is still alive; its idle time starts again. */
    async resolve(token: string, now: Date) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null
      const session = await prisma.staffSession.findUnique({ where: { tokenHash: tokenHash(token) }, include: { client: true } })
      if (session === null) return null
      const idleUntil = new Date(session.lastSeenAt.getTime() + lifetimes.idleMs)
      if (session.client.revokedAt !== null || session.expiresAt <= now || idleUntil <= now) {
        await prisma.staffSession.deleteMany({ where: { tokenHash: session.tokenHash } })
        return null
      }
      if (now.getTime() - session.lastSeenAt.getTime() > touchResolutionMs) {
        await prisma.staffSession.update({ where: { tokenHash: session.tokenHash }, data: { lastSeenAt: now } })
      }
      const idleExpiresAt = new Date(Math.min(now.getTime() + lifetimes.idleMs, session.expiresAt.getTime()))
      return { client: session.client, csrfToken: session.csrfToken, expiresAt: session.expiresAt, idleExpiresAt }
    },

    async signOut(token: string) {
      await prisma.staffSession.deleteMany({ where: { tokenHash: tokenHash(token) } })
    },
  }
}

export type StaffSessions = ReturnType<typeof staffSessions>
export type StaffSession = NonNullable<Awaited<ReturnType<StaffSessions['resolve']>>>
