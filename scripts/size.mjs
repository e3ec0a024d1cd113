#!/usr/bin/env node
// Size budget: what each public entry costs a user's bundle, minified and gzipped.
// Dependencies are bundled in (the user pays for them too); only the packages the user
// already has (RxJS, and the framework for an adapter) are left out. Every export of the entry
// counts, as if the app used all of them. Exits 1 if any entry is over budget. 1 KB = 1024 bytes.
//
// The budget is on what loads with the entry. Code the library imports only on demand (the
// IndexedDB replay store, broadcast-channel's fallback transport and leader election) becomes
// lazy chunks in an app's bundle; they are printed too, with the total.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

/** The adapters import only `BusError` and types from the core, so their figure is mostly their own. */
const entries = [
  { name: 'crossbus', entry: 'src/index.ts', budgetKb: 20 },
  // What most apps import: createBus with sync and replay, without the CloudEvents mapping.
  { name: 'createBus from crossbus (sync and replay)', entry: 'src/index.ts', only: ['createBus'], budgetKb: 18 },
  { name: 'crossbus/core', entry: 'src/core/index.ts', budgetKb: 10 },
  // What an app that builds its own bus pays: createBus of crossbus/core and nothing else.
  { name: 'createBus from crossbus/core (no sync, no replay)', entry: 'src/core/index.ts', only: ['createBus'], budgetKb: 12 },
  { name: 'crossbus/sync', entry: 'src/sync/index.ts', budgetKb: 9 },
  { name: 'crossbus/replay', entry: 'src/replay/index.ts', budgetKb: 5 },
  { name: 'crossbus/react', entry: 'src/react/index.ts', budgetKb: 3, external: ['react', 'react-dom', 'react/*'] },
  { name: 'crossbus/vue', entry: 'src/vue/index.ts', budgetKb: 3, external: ['vue'] },
  { name: 'crossbus/destinations', entry: 'src/destinations/index.ts', budgetKb: 10 },
  // The NATS client is the app's (an optional peer), loaded on demand: not counted here.
  { name: 'crossbus/nats', entry: 'src/bridges/nats/index.ts', budgetKb: 6, external: ['@nats-io/nats-core'] },
  // The panel's UI is a lazy chunk: what an app pays up front is the recorder and mountDevtools.
  { name: 'crossbus/devtools', entry: 'devtools/index.ts', budgetKb: 4 },
  { name: 'crossbus/vite (dev server only)', entry: 'devtools/vite-plugin.ts', budgetKb: 2 },
]

/** Provided by the user's app, so not counted against any entry. */
const alwaysExternal = ['rxjs', 'rxjs/*']

const root = fileURLToPath(new URL('..', import.meta.url))
const kb = (bytes) => (bytes / 1024).toFixed(2)

async function measure({ entry, only, external = [] }) {
  const outdir = '/virtual-out'
  // `only`: the named exports alone, as an app importing just those would bundle them.
  const input = only
    ? { stdin: { contents: `export { ${only.join(', ')} } from './${entry}'`, resolveDir: root, sourcefile: 'only.ts', loader: 'ts' } }
    : { entryPoints: [entry] }
  const result = await build({
    ...input,
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    outdir,
    minify: true,
    treeShaking: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: [...alwaysExternal, ...external],
    // What an app's production build sees; dev-only branches drop out.
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    write: false,
    logLevel: 'warning',
  })
  const gzipped = new Map(result.outputFiles.map((file) => [file.path, gzipSync(file.contents, { level: 9 }).byteLength]))
  const outputs = result.metafile.outputs
  const entryFile = Object.keys(outputs).find((file) => outputs[file].entryPoint)
  // The entry and every chunk it imports statically load together; dynamic imports load later.
  const upFront = new Set()
  const visit = (file) => {
    if (upFront.has(file)) return
    upFront.add(file)
    for (const imported of outputs[file].imports) if (imported.kind === 'import-statement' && outputs[imported.path]) visit(imported.path)
  }
  visit(entryFile)
  // Metafile paths are relative to the working directory; output files are absolute.
  const sizeOf = (file) => gzipped.get(resolve(root, file)) ?? 0
  let initial = 0
  let lazy = 0
  for (const file of Object.keys(outputs)) {
    if (file.endsWith('.map')) continue
    if (upFront.has(file)) initial += sizeOf(file)
    else lazy += sizeOf(file)
  }
  return { initial, lazy }
}

let overBudget = false
for (const spec of entries) {
  if (!existsSync(root + spec.entry)) {
    console.log(`${spec.name}: skipped (${spec.entry} does not exist yet)`)
    continue
  }
  const { initial, lazy } = await measure(spec)
  const over = initial / 1024 > spec.budgetKb
  overBudget ||= over
  console.log(
    `${spec.name}: ${kb(initial)} KB min+gzip up front (budget ${spec.budgetKb} KB)` +
      ` + ${kb(lazy)} KB in lazy chunks = ${kb(initial + lazy)} KB in all${over ? '  <-- OVER BUDGET' : ''}`,
  )
}

if (overBudget) {
  console.error('Size budget exceeded. Find what grew with esbuild --metafile and https://esbuild.github.io/analyze/.')
  process.exit(1)
}
