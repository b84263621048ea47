// Debian's Chromium driven by playwright-core (never a browser download): one browser per test
// file, closed when the file's tests end, and the real server listening on an ephemeral port.
import type { Test } from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import type { App } from '../helper.js'

/**
 * Debian's `chromium-headless-shell`: the same Chromium release and Blink as the `chromium`
 * package, without the desktop browser's window and UI layers, which is what headless testing
 * needs (Playwright's own default for headless runs). Measured on the 2-core machine: the same
 * 30 page loads cost 5 s of CPU in it against 11 s in `chromium --headless`, and the browser test
 * groups 218 s of CPU against 311 s. A machine with only the `chromium` package uses that.
 */
const headlessShell = '/usr/bin/chromium-headless-shell'
export const chromiumPath = process.env.CHROMIUM_PATH ?? (existsSync(headlessShell) ? headlessShell : '/usr/bin/chromium')

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

/**
 * A new context of the browser (closed when the test ends) whose every page carries axe-core from
 * its start: Chromium evaluates the script itself as each document begins, where evaluating it
 * from here sent its 550 kB over the DevTools protocol on every check (0.17 s of a 0.3 s check).
 */
export async function axeContext(t: Test, browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext()
  t.teardown(() => context.close())
  await context.addInitScript({ content: axeSource })
  return context
}

/** The WCAG 2.2 A and AA rules the pages are held to. */
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

/** axe-core itself, read once: it is evaluated in each page checked. */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/**
 * axe-core's WCAG violations on the page as it is, one line each: the rule and the elements.
 * axe is there already in a page of an axeContext(), else evaluated once per load, and the page
 * sends back only the violations, as these lines: @axe-core/playwright evaluated axe's 550 kB
 * twice a check and sent back every rule's passes too. The pages have no frames to check.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource)
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  }, wcagTags)
}
