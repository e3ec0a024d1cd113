// Which entries of crossbus an app's Vite should pre-bundle. Node's modules are taken with
// process.getBuiltinModule, not imported: this file is bundled into `crossbus/vite`, and a static
// `node:fs` import would not build for the size check's browser platform.

// Entries that import an optional peer: pre-bundled only where the app has that peer installed.
const PEER_OF: Readonly<Record<string, string>> = { './react': 'react', './vue': 'vue', './nats': '@nats-io/nats-core' }
// Entries a page never imports.
const NOT_FOR_PAGES = new Set(['./vite', './package.json'])

/**
 * Every entry of the crossbus installed for the app at `root` that a page may import (`crossbus`,
 * `crossbus/sync`, ...) and that resolves there: an adapter only beside its framework. Empty when
 * crossbus is not installed under `root` (a checkout of crossbus itself).
 */
export function crossbusEntries(root: string): string[] {
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
