// Debian's Chromium driven by playwright-core (never a browser download): one browser per test
// file, closed when the file's tests end, and the real server listening on an ephemeral port.
import type { Test } from 'tap'
import { AxeBuilder } from '@axe-core/playwright'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { App } from '../helper.js'

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

// Without these Chromium keeps opening connections that a closed network refuses (ENVIRONMENT.md).
export const chromiumFlags = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

export async function launchBrowser(t: Test): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags })
  t.teardown(() => browser.close())
  return browser
}

/** Listens on an ephemeral port of 127.0.0.1 and answers the base URL. */
export async function listen(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return `http://127.0.0.1:${address.port}`
}

/** The WCAG 2.2 A and AA rules the pages are held to. */
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

/**
 * axe-core's WCAG violations on the page as it is, one line each: the rule and the elements.
 * Legacy mode runs axe in the page itself instead of opening a blank page for every check to
 * gather frames' results in — the pages have no frames, and that page cost more than the check.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(wcagTags).setLegacyMode().analyze()
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}
