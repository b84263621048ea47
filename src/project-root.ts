// The folder holding package.json, prisma/ and seed/, whether the code runs from src/ (tsx) or
// from its compiled copy in dist/.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

function findProjectRoot(from: string): string {
  let folder = from
  while (!existsSync(path.join(folder, 'package.json')) || !existsSync(path.join(folder, 'prisma'))) {
    const parent = path.dirname(folder)
    if (parent === folder) throw new Error(`no project folder above ${from}`)
    folder = parent
  }
  return folder
}

export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)))
