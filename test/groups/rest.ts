import { runGroup } from '../groups.js'

await runGroup('rest')
