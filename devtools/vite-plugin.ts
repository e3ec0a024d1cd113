// `crossbus/vite`: a Vite plugin for development: it serves the standalone devtools page, and has
// Vite pre-bundle the crossbus entries the app can use. Only types come from Vite, so the plugin
// adds nothing to what the app installs.
import type { Plugin, ViteDevServer } from 'vite'

export interface CrossbusDevtoolsOptions {
  /** Where the page is served. Default `'/__crossbus/'`. */
  readonly path?: string
  /** Bus names to list even before the page finds them in the origin. */
  readonly buses?: readonly string[]
  /**
   * The module the page imports `startDevtoolsPage` from. Default `'crossbus/devtools'`; a
   * checkout of crossbus points it at its source.
   */
  readonly entry?: string
}

const VIRTUAL_PAGE = 'virtual:crossbus-devtools-page'
const RESOLVED_PAGE = `\0${VIRTUAL_PAGE}`
// `createBus({ name: 'shop' ...` and `createBus<ShopEvents>({ ... name: "shop"`: a bus name the
// app's source spells out, which the page then offers without being told.
const NAMED_BUS = /createBus\s*(?:<[^>()]*>)?\s*\(\s*\{(?:[^{}]|\{[^{}]*\})*?\bname\s*:\s*(['"`])([^'"`$\\\n]{1,200})\1/g

/**
 * Serves the crossbus devtools page at `/__crossbus/` while `vite` serves the app (development
 * only: `vite build` ignores it). Open it next to the app's tabs: it watches a bus across every
 * tab, worker and frame of the origin, with no change to the app's code.
 *
 * It also adds every crossbus entry the app can import (those whose peers it has: `crossbus/react`
 * beside React) to `optimizeDeps.include`, so the dev server pre-bundles them at start instead of
 * discovering them one page at a time and reloading the page each time.
 *
 * @example
 * // vite.config.ts
 * import { defineConfig } from 'vite'
 * import { crossbusDevtools } from 'crossbus/vite'
 * export default defineConfig({ plugins: [crossbusDevtools()] })
 * // then open http://localhost:5173/__crossbus/?bus=shop
 */
export function crossbusDevtools(options: CrossbusDevtoolsOptions = {}): Plugin {
  const path = normalizePath(options.path ?? '/__crossbus/')
  const entry = options.entry ?? 'crossbus/devtools'
  const seenNames = new Set<string>(options.buses ?? [])
  let base = '/'
  return {
    name: 'crossbus-devtools',
    apply: 'serve',
    config(config) {
      const listed = new Set(config.optimizeDeps?.include ?? [])
      const include = crossbusEntries(config.root ?? process.cwd()).filter((entry) => !listed.has(entry))
      return include.length === 0 ? undefined : { optimizeDeps: { include } }
    },
    configResolved(config) {
      base = config.base
    },
    resolveId(id) {
      return id === VIRTUAL_PAGE ? RESOLVED_PAGE : undefined
    },
    load(id) {
      if (id !== RESOLVED_PAGE) return undefined
      const settings = { buses: [...(options.buses ?? [])], namesUrl: `${joinBase(base, path)}names.json` }
      return `import { startDevtoolsPage } from ${JSON.stringify(entry)}\nstartDevtoolsPage(${JSON.stringify(settings)})\n`
    },
    transform(code, id) {
      if (id.includes('/node_modules/') || !code.includes('createBus')) return undefined
      for (const match of code.matchAll(NAMED_BUS)) seenNames.add(match[2]!)
      return undefined
    },
    configureServer(server: ViteDevServer) {
      const pagePath = joinBase(base, path)
      // Beside Vite's own "Local:" line, where a developer looks for the URL to open.
      const printUrls = server.printUrls?.bind(server)
      if (printUrls) {
        server.printUrls = () => {
          printUrls()
          for (const line of devtoolsUrlLines(server.resolvedUrls?.local ?? [], pagePath)) server.config.logger.info(line)
        }
      }
      server.middlewares.use((request, response, next) => {
        const url = new URL(request.url ?? '/', 'http://localhost')
        if (url.pathname === pagePath.slice(0, -1)) {
          response.statusCode = 302
          response.setHeader('Location', `${pagePath}${url.search}`)
          response.end()
        } else if (url.pathname === pagePath) {
          response.setHeader('Content-Type', 'text/html; charset=utf-8')
          response.setHeader('Cache-Control', 'no-store')
          response.end(pageHtml(`${joinBase(base, '/@id/__x00__')}${VIRTUAL_PAGE}`))
        } else if (url.pathname === `${pagePath}names.json`) {
          response.setHeader('Content-Type', 'application/json')
          response.setHeader('Cache-Control', 'no-store')
          response.end(JSON.stringify([...seenNames].sort()))
        } else {
          next()
        }
      })
    },
  }
}

/** The log lines that say where the devtools page is, one per local URL the server listens on. */
export function devtoolsUrlLines(localUrls: readonly string[], pagePath: string): string[] {
  const origins = [...new Set(localUrls.map((url) => new URL(url).origin))]
  // Plain text: the log may be a file or a CI job, where colour codes are noise.
  return origins.map((origin) => `  ➜  crossbus devtools: ${origin}${pagePath}`)
}

function pageHtml(script: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>crossbus devtools</title>
    <link rel="icon" href="data:," />
  </head>
  <body>
    <script type="module" src="${script}"></script>
  </body>
</html>
`
}

/** `/x/` form: one leading and one trailing slash. */
function normalizePath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '')
  return trimmed === '' ? '/' : `/${trimmed}/`
}

function joinBase(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`
}

// Which entries of crossbus an app's Vite should pre-bundle. Node's modules are taken with
// process.getBuiltinModule, not imported: this file is bundled into `crossbus/vite`, and a static
// `node:fs` import would not build for the size check's browser platform. (Here, not in a module
// of its own: a config that imports this plugin from source must not import without extensions.)

// Entries that import an optional peer: pre-bundled only where the app has that peer installed.
const PEER_OF: Readonly<Record<string, string>> = { './react': 'react', './vue': 'vue', './nats': '@nats-io/nats-core' }
// Entries a page never imports.
const NOT_FOR_PAGES = new Set(['./vite', './package.json'])

/**
 * Every entry of the crossbus installed for the app at `root` that a page may import (`crossbus`,
 * `crossbus/sync`, ...) and that resolves there: an adapter only beside its framework. Empty when
 * crossbus is not installed under `root` (a checkout of crossbus itself).
 */
function crossbusEntries(root: string): string[] {
  const { existsSync, readFileSync } = process.getBuiltinModule('node:fs')
  const { dirname, join, resolve } = process.getBuiltinModule('node:path')
  // As Node resolves a bare name: node_modules of the root, then of each folder above it.
  const packageJson = (name: string): string | undefined => {
    for (let dir = resolve(root); ; dir = dirname(dir)) {
      const file = join(dir, 'node_modules', name, 'package.json')
      if (existsSync(file)) return file
      if (dirname(dir) === dir) return undefined
    }
  }
  const own = packageJson('crossbus')
  if (own === undefined) return []
  let exports: unknown
  try {
    exports = (JSON.parse(readFileSync(own, 'utf8')) as { exports?: unknown }).exports
  } catch {
    return []
  }
  if (typeof exports !== 'object' || exports === null) return ['crossbus']
  return Object.keys(exports)
    .filter((subpath) => subpath.startsWith('.') && !NOT_FOR_PAGES.has(subpath))
    .filter((subpath) => PEER_OF[subpath] === undefined || packageJson(PEER_OF[subpath]) !== undefined)
    .map((subpath) => (subpath === '.' ? 'crossbus' : `crossbus/${subpath.slice(2)}`))
}
