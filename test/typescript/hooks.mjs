// Module hooks that let Node run this repository's TypeScript as ESM: an import of `./x.js` whose
// file is `./x.ts` finds it (as tsc's NodeNext resolution does), and a .ts file is turned into
// JavaScript by esbuild with an inline source map, so coverage and stack traces point at the .ts.
// Transforming only removes types, as `npm run build` does; `tsc --noEmit` checks them.
//
// Measured on the 2-core machine, 2026-12-01, whole machine's CPU: importing test/helper.ts (the app
// and everything under it) 6.1 s with tap's ts-node against 2.6 s; test/routes/areas-and-health.test.ts
// alone with coverage 19–21 s against 13 s. tsx would be as fast, but with it tap reported every
// file 100% covered (its source maps did not reach tap's coverage).
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { transform } from 'esbuild'

/** The project's TypeScript is ESM throughout (package.json `type: module`): .ts and .mts. */
const typescript = /\.m?ts$/

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL
  if (specifier.endsWith('.js') && parent?.startsWith('file:') && (specifier.startsWith('.') || specifier.startsWith('/'))) {
    const candidate = new URL(`${specifier.slice(0, -3)}.ts`, parent)
    if (existsSync(candidate)) return { url: candidate.href, format: 'module', shortCircuit: true }
  }
  return nextResolve(specifier, context)
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !typescript.test(new URL(url).pathname)) return nextLoad(url, context)
  const file = fileURLToPath(url)
  const { code } = await transform(await readFile(file, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: file,
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: true, verbatimModuleSyntax: false } },
  })
  return { format: 'module', source: code, shortCircuit: true }
}
