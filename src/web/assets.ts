// The site's stylesheet and script, served by the app under names that carry a hash of their
// content, so a page can let browsers keep them for a year: a changed file is a new name.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { projectRoot } from '../project-root.js'

export interface Asset {
  /** The URL path, e.g. /assets/site.3f1c2a9d0b.css */
  path: string
  body: Buffer
  type: string
}

const types: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' }

function load(file: string, folder = path.join(projectRoot, 'src', 'web', 'assets')): Asset {
  // Read from src/ whether the code runs from src/ or dist/: the files are not compiled.
  const body = readFileSync(path.join(folder, file))
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10)
  const extension = path.extname(file)
  return {
    path: `/assets/${path.basename(file, extension)}.${hash}${extension}`,
    body,
    type: types[extension] ?? 'application/octet-stream',
  }
}

// Leaflet as npm ships it, served by the app (no CDN): the map works offline but for its tiles.
const leafletDist = path.dirname(createRequire(import.meta.url).resolve('leaflet/dist/leaflet.js'))

export const assets = {
  css: load('site.css'),
  nearMe: load('near-me.js'),
  map: load('map.js'),
  leaflet: load('leaflet.js', leafletDist),
  leafletCss: load('leaflet.css', leafletDist),
  // The staff console's own additions (src/console).
  consoleCss: load('console.css'),
  copyKey: load('copy-key.js'),
}

export const assetsByPath = new Map(Object.values(assets).map((asset) => [asset.path, asset]))
