// Debian's Chromium driven by playwright-core (never a browser download): one browser per test
// file, closed when the file's tests end, and the real server listening on an ephemeral port.
import type { Test } from 'tap'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
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

/** axe-core itself, read once: it is evaluated in each page checked. */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/**
 * axe-core's WCAG violations on the page as it is, one line each: the rule and the elements.
 * axe is evaluated in the page once per load, and the page sends back only the violations, as
 * these lines: @axe-core/playwright evaluated axe's 550 kB twice a check and sent back every
 * rule's passes too (0.36 s a check against 0.15 s so). The pages have no frames to check.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource)
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  }, wcagTags)
}
