// Builds the test databases' missing templates before any test file runs (tap's `before` step), so
// that the test files, run several at once, find them ready; with `clean`, removes every template
// and dump (`npm run test:clean`). See test/databases.ts.
//
// Under tap this process would record coverage, and only when it has something to build: it runs
// itself again with coverage off, so that the numbers count what the test files exercise, the
// same whether the templates were there or not.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

if (process.env._TAPJS_PROCESSINFO_COVERAGE_ === '1') {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0' },
  })
  process.exit(child.status ?? 1)
}

const { prepareTemplates, removeTemplates } = await import('./databases.js')
if (process.argv[2] === 'clean') await removeTemplates()
else await prepareTemplates()
