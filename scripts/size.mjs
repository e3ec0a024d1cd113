#!/usr/bin/env node
// Size budget: what each public entry costs a user's bundle, minified and gzipped (each chunk
// gzipped on its own, as it is served). Dependencies are bundled in (the user pays for them too);
// only the packages the user already has (RxJS, and the framework for an adapter) are left out.
// Every export of the entry counts, as if the app used all of them. Exits 1 if any entry is over
// budget. 1 KB = 1024 bytes.
//
// The budget is on what loads with the entry. Code the library imports only on demand (the
// history and its IndexedDB store, broadcast-channel's fallback transport and leader election,
// the request protocol, the devtools panel) becomes lazy chunks in an app's bundle; they are
// printed too, with the total.
//
// Two bundlers, one budget. Rolldown is what Vite apps bundle with in production (Vite 8 ships it),
// so its figure is the one the budget judges. esbuild's is printed beside it: its code splitting
// assigns whole files to chunks by import reachability before tree-shaking, so when a lazy chunk
// and the entry both import core through `src/core/index`, every module that index re-exports
// lands in the chunk the entry loads up front (Rolldown follows re-exports to the modules used).
// An entry over budget lists its largest modules up front (Rolldown's sizes before minifying);
// `--modules` lists them for every entry.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

/**
 * The adapters import only `BusError` and types from the core, so their figure is mostly their own.
 *
 * Budgets raised with the hardening of issue 21 (sparse-array and size checks that stop at their
 * budget, the origin table, event conflicts, history completeness, linear-time globs, rate limits
 * in devtools): crossbus 20 -> 23.5, createBus 18 -> 21.5, sync 9 -> 10.5, replay 5 -> 5.5,
 * destinations 10 -> 11, devtools 4 -> 6.
 *
 * Issue 20 ("At the limit") set them just above what it measured: CloudEvents left `crossbus` for
 * `crossbus/cloudevents` (2.6 KB), and the bare bus loads the replay seam and the system ranges of
 * a history read on first use (-0.6 KB). Two budgets rose with features that landed beside it:
 * `createBus` of crossbus now adds the requests() plugin (issue 16, about 1 KB up front with the
 * chunks it shares with its lazy protocol), and crossbus/core exports more of the kit (request and
 * handle, compilePolicy and checkInjected, the devtools hook). The issue's goals, 15 KB and 6 KB,
 * are not reached: see its closing note for what stands in the way.
 *
 * Lowered with issue 20's second pass: a smaller glob compiler and leaner core classes (bare bus
 * 9.12 -> 8.35 KB), the whole history loaded with import() when the bus is created (replay
 * 5.07 -> 2.22 KB up front), a one-pass clonability check (sync 10.21 -> 9.97). The goals are
 * still not reached; the closing note measures what each part costs.
 */
const entries = [
  { name: 'crossbus', entry: 'src/index.ts', budgetKb: 18.8 },
  // What most apps import: createBus with sync and replay, without the CloudEvents mapping.
  { name: 'createBus from crossbus (sync and replay)', entry: 'src/index.ts', only: ['createBus'], budgetKb: 18.7 },
  { name: 'crossbus/core', entry: 'src/core/index.ts', budgetKb: 9.7 },
  // What an app that builds its own bus pays: createBus of crossbus/core and nothing else.
  { name: 'createBus from crossbus/core (no sync, no replay)', entry: 'src/core/index.ts', only: ['createBus'], budgetKb: 8.6 },
  { name: 'crossbus/sync', entry: 'src/sync/index.ts', budgetKb: 10.2 },
  { name: 'crossbus/replay', entry: 'src/replay/index.ts', budgetKb: 2.4 },
  { name: 'crossbus/react', entry: 'src/react/index.ts', budgetKb: 2.1, external: ['react', 'react-dom', 'react/*'] },
  { name: 'crossbus/vue', entry: 'src/vue/index.ts', budgetKb: 2, external: ['vue'] },
  { name: 'crossbus/cloudevents', entry: 'src/cloudevents/index.ts', budgetKb: 2.8 },
  { name: 'crossbus/destinations', entry: 'src/destinations/index.ts', budgetKb: 10.4 },
  // The NATS clients are the app's (optional peers), loaded on demand: not counted here.
  { name: 'crossbus/nats', entry: 'src/bridges/nats/index.ts', budgetKb: 4.7, external: ['@nats-io/nats-core', '@nats-io/jetstream'] },
  // About half of it is core (the policy's globs, event checks, errors) that the app's bus loads anyway.
  { name: 'crossbus/frames', entry: 'src/bridges/frames/index.ts', budgetKb: 7.4 },
  // The panel's UI is a lazy chunk: what an app pays up front is the recorder and mountDevtools.
  { name: 'crossbus/devtools', entry: 'devtools/index.ts', budgetKb: 6 },
  { name: 'crossbus/vite (dev server only)', entry: 'devtools/vite-plugin.ts', budgetKb: 1.6 },
]

/** Provided by the user's app, so not counted against any entry. */
const alwaysExternal = ['rxjs', 'rxjs/*']
/** What an app's production build sees; dev-only branches drop out. */
const define = { 'process.env.NODE_ENV': '"production"' }

const root = fileURLToPath(new URL('..', import.meta.url))
const kb = (bytes) => (bytes / 1024).toFixed(2)
const gzipped = (code) => gzipSync(code, { level: 9 }).byteLength
const listModules = process.argv.includes('--modules')

/** The source of a module that re-exports what the entry spec measures: all, or `only` those names. */
const entrySource = ({ entry, only }) => `export ${only ? `{ ${only.join(', ')} }` : '*'} from ${JSON.stringify(`./${entry}`)}`

/**
 * Splits chunks into those that load with the entry (it and every chunk it imports statically)
 * and the lazy rest (dynamic imports), summing their gzipped sizes.
 *
 * @param {Map<string, { imports: string[], bytes: number }>} chunks
 */
function upFrontAndLazy(chunks, entryFile) {
  const upFront = new Set()
  const visit = (file) => {
    if (upFront.has(file) || !chunks.has(file)) return
    upFront.add(file)
    for (const imported of chunks.get(file).imports) visit(imported)
  }
  visit(entryFile)
  let initial = 0
  let lazy = 0
  for (const [file, { bytes }] of chunks) {
    if (upFront.has(file)) initial += bytes
    else lazy += bytes
  }
  return { initial, lazy, upFront }
}

async function measureWithEsbuild(spec) {
  const result = await build({
    stdin: { contents: entrySource(spec), resolveDir: root, sourcefile: 'size-entry.ts', loader: 'ts' },
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    outdir: '/virtual-out',
    minify: true,
    treeShaking: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: [...alwaysExternal, ...(spec.external ?? [])],
    define,
    metafile: true,
    write: false,
    logLevel: 'warning',
  })
  const bytes = new Map(result.outputFiles.map((file) => [file.path, gzipped(file.contents)]))
  const chunks = new Map()
  let entryFile
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.map')) continue
    // Dynamic imports are entry points too in esbuild's metafile: the entry is the one measured.
    if (output.entryPoint === 'size-entry.ts') entryFile = file
    const imports = output.imports.filter((imported) => imported.kind === 'import-statement').map((imported) => imported.path)
    // Metafile paths are relative to the working directory; output files are absolute.
    chunks.set(file, { imports, bytes: bytes.get(resolve(root, file)) ?? 0 })
  }
  return upFrontAndLazy(chunks, entryFile)
}

async function loadRolldown() {
  try {
    return (await import('rolldown')).rolldown
  } catch {
    console.error('No rolldown: it comes with vite (8 or later), a dev dependency. Run `npm ci`.')
    process.exit(1)
  }
}

async function measureWithRolldown(rolldown, spec) {
  const patterns = [...alwaysExternal, ...(spec.external ?? [])]
  const isExternal = (id) => patterns.some((pattern) => (pattern.endsWith('/*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern))
  const virtualEntry = '\0size-entry'
  const bundle = await rolldown({
    input: virtualEntry,
    cwd: root,
    platform: 'browser',
    external: isExternal,
    // An app imports the entry's exports, so every one of them is kept.
    preserveEntrySignatures: 'strict',
    transform: { define, target: 'es2022' },
    logLevel: 'warn',
    // crossbus/core loads the history helpers lazily for the bus and exports them for plugins too:
    // in that entry the dynamic import cannot split them off, which is expected, not a problem.
    onLog: (level, log, handler) => {
      if (log.code !== 'INEFFECTIVE_DYNAMIC_IMPORT') handler(level, log)
    },
    plugins: [
      {
        name: 'size-entry',
        resolveId: (id) => (id === virtualEntry ? id : null),
        load: (id) => (id === virtualEntry ? entrySource(spec).replace('"./', `"${root}`) : null),
      },
    ],
  })
  const { output } = await bundle.generate({ format: 'es', minify: true })
  await bundle.close()
  const chunks = new Map()
  let entryFile
  for (const chunk of output) {
    if (chunk.type !== 'chunk') continue
    if (chunk.isEntry) entryFile = chunk.fileName
    chunks.set(chunk.fileName, { imports: chunk.imports, bytes: gzipped(chunk.code), modules: chunk.modules })
  }
  const measured = upFrontAndLazy(chunks, entryFile)
  const largest = [...measured.upFront]
    .flatMap((file) => Object.entries(chunks.get(file).modules))
    .map(([id, module]) => ({ id: id.replace(root, '').replace('\0', ''), length: module.renderedLength }))
    .filter((module) => module.length > 0)
    .sort((a, b) => b.length - a.length)
    .slice(0, 10)
  return { ...measured, largest }
}

const rolldown = await loadRolldown()
let overBudget = false
for (const spec of entries) {
  if (!existsSync(root + spec.entry)) {
    console.log(`${spec.name}: skipped (${spec.entry} does not exist yet)`)
    continue
  }
  const real = await measureWithRolldown(rolldown, spec)
  const esbuild = await measureWithEsbuild(spec)
  const over = real.initial / 1024 > spec.budgetKb
  overBudget ||= over
  console.log(
    `${spec.name}: ${kb(real.initial)} KB min+gzip up front (budget ${spec.budgetKb} KB)` +
      ` + ${kb(real.lazy)} KB in lazy chunks = ${kb(real.initial + real.lazy)} KB in all` +
      ` [esbuild: ${kb(esbuild.initial)} + ${kb(esbuild.lazy)}]${over ? '  <-- OVER BUDGET' : ''}`,
  )
  if (over || listModules) {
    for (const { id, length } of real.largest) console.log(`    ${String(length).padStart(7)} B  ${id}`)
  }
}

if (overBudget) {
  console.error('Size budget exceeded (Rolldown\'s figure). The largest modules up front are listed under each entry over budget.')
  process.exit(1)
}
