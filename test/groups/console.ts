import { runGroup } from '../groups.js'

await runGroup('console')
