// Runs the tests' TypeScript (tap's `node-arg`: --import=./test/typescript/register.mjs). tap's own
// plugin runs ts-node, which compiles every file with the TypeScript compiler; esbuild, which builds
// dist/ already, does the same work in a fraction of the CPU (hooks.mjs says how much).
import { register } from 'node:module'

register('./hooks.mjs', import.meta.url)
