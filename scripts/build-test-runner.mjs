// tap runs the tests through a runner built for the project's plugin list (package.json
// `tap.plugin`: some of tap's default plugins are switched off), in .tap/plugins. Without one, the
// first `npm test` of a checkout builds it (~5 s); `npm ci` builds it here instead, as it builds
// dist/ and the Prisma client. An install without dev dependencies has no tap, and nothing to build.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

if (existsSync('node_modules/.bin/tap')) execFileSync('node_modules/.bin/tap', ['build'], { stdio: 'inherit' })
