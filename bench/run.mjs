#!/usr/bin/env node
// `npm run bench [-- suite ...]`: runs each bench/suites/*.mjs in real headless Chromium against a
// Vite dev server rooted at the repo, and prints one table per suite. A missed goal is reported
// (MISSED), never a failure: a benchmark informs, the tests decide.
//
// The suite contract (bench/README.md):
//   export async function run({ browser, baseURL }) -> Array<{ name, crossbus, peer, unit, ratio, goal? }>
// `ratio` is crossbus relative to the peer, higher is better; `goal` reads like '>= 0.5x'. A suite
// may export `limitMs` to be given longer than SUITE_LIMIT_MS.
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { createServer as createNetServer } from 'node:net'
import { basename, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium } from 'playwright'
import { createServer } from 'vite'
import { chromiumLaunchOptions } from '../scripts/chromium.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const suitesDir = join(root, 'bench', 'suites')
// The whole run stays bounded even if a suite hangs; each suite gets its own cap too.
const RUN_LIMIT_MS = 20 * 60_000
const SUITE_LIMIT_MS = 90_000

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'))
const files = (await readdir(suitesDir)).filter((file) => file.endsWith('.mjs')).sort()
const suites = files.map((file) => basename(file, '.mjs')).filter((name) => wanted.length === 0 || wanted.includes(name))
for (const name of wanted) {
  if (!suites.includes(name)) console.warn(`bench: no suite "${name}" (have: ${files.map((f) => basename(f, '.mjs')).join(', ')})`)
}
if (suites.length === 0) {
  console.log('bench: nothing to run')
  process.exit(0)
}

const watchdog = setTimeout(() => {
  console.error(`bench: stopped after ${RUN_LIMIT_MS / 1000}s; the results above are all there is`)
  process.exit(1)
}, RUN_LIMIT_MS)
watchdog.unref()

const port = await freePort()
const server = await createServer({
  // The e2e server's config (root, pre-bundled dependencies, no HMR), with the peers the
  // benchmarks compare against added, its own cache and a port of its own, so a bench can run
  // next to the browser tests.
  configFile: join(root, 'e2e', 'vite.config.ts'),
  cacheDir: 'node_modules/.vite/bench',
  logLevel: 'warn',
  server: { host: '127.0.0.1', port, strictPort: true, hmr: false },
  optimizeDeps: { include: ['mitt'] },
})
await server.listen()
const baseURL = `http://127.0.0.1:${port}`

const browser = await chromium.launch(chromiumLaunchOptions)
console.log(`crossbus bench: Chromium ${browser.version()}, Node ${process.version}, ${baseURL}`)

const summary = []
try {
  for (const name of suites) {
    const started = performance.now()
    let rows
    try {
      const suite = await import(pathToFileURL(join(suitesDir, `${name}.mjs`)).href)
      rows = await withLimit(suite.run({ browser, baseURL }), suite.limitMs ?? SUITE_LIMIT_MS, `suite "${name}"`)
    } catch (error) {
      console.log(`\n${name}: FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
      summary.push({ suite: name, failed: true })
      continue
    }
    const seconds = (performance.now() - started) / 1000
    printTable(name, rows, seconds)
    summary.push({ suite: name, rows })
  }
} finally {
  await browser.close().catch(() => {})
  await server.close().catch(() => {})
}

const missed = summary.flatMap((s) => (s.rows ?? []).filter((row) => verdict(row) === 'MISSED').map((row) => `${s.suite}: ${row.name}`))
const failed = summary.filter((s) => s.failed).map((s) => s.suite)
console.log('')
if (failed.length) console.log(`Suites that failed to run: ${failed.join(', ')}`)
console.log(missed.length ? `Goals MISSED (${missed.length}):\n  ${missed.join('\n  ')}` : 'Every goal met.')
if (wanted.length === 0 && failed.length === 0) {
  await writeReadmeTable(summary, browser.version())
  console.log('docs/benchmarks.md: its table now holds these figures.')
} else {
  console.log('docs/benchmarks.md not updated: only a full run of every suite rewrites its table.')
}
clearTimeout(watchdog)
process.exit(0)

/**
 * docs/benchmarks.md holds one table of figures, between markers, rewritten by each full run, so that no
 * section quotes figures of its own that drift from the last measurement.
 */
async function writeReadmeTable(results, chromiumVersion) {
  const file = join(root, 'docs', 'benchmarks.md')
  const readme = await readFile(file, 'utf8')
  const start = '<!-- bench:start -->'
  const end = '<!-- bench:end -->'
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from < 0 || to < from) {
    console.warn(`docs/benchmarks.md has no ${start} ... ${end} markers; not updated`)
    return
  }
  const cores = (await import('node:os')).availableParallelism()
  const lines = [
    start,
    `Last full run: ${new Date().toISOString().slice(0, 10)}, Chromium ${chromiumVersion}, Node ${process.version}, ${cores} cores.`,
    '',
    '| suite | benchmark | crossbus | peer | unit | ratio | goal | result |',
    '| --- | --- | ---: | ---: | --- | ---: | --- | --- |',
    ...results.flatMap(({ suite, rows }) =>
      rows.map((row) => `| ${suite} | ${row.name.replaceAll('|', '\\|')} | ${formatNumber(row.crossbus)} | ${formatNumber(row.peer)} | ${row.unit} | ${Number.isFinite(row.ratio) ? `${row.ratio.toFixed(2)}x` : String(row.ratio)} | ${row.goal ?? ''} | ${verdict(row)} |`),
    ),
    end,
  ]
  await writeFile(file, readme.slice(0, from) + lines.join('\n') + readme.slice(to + end.length))
}

/** 'met', 'MISSED', or '' when the row has no goal. */
function verdict(row) {
  if (!row.goal) return ''
  const match = /^\s*(>=|<=|>|<)\s*([\d.]+)\s*x?\s*$/.exec(row.goal)
  if (!match) return `? (${row.goal})`
  const [, op, bound] = match
  const target = Number(bound)
  const ok = op === '>=' ? row.ratio >= target : op === '<=' ? row.ratio <= target : op === '>' ? row.ratio > target : row.ratio < target
  return ok ? 'met' : 'MISSED'
}

function printTable(suite, rows, seconds) {
  const header = ['benchmark', 'crossbus', 'peer', 'unit', 'ratio', 'goal', 'result']
  const body = rows.map((row) => [
    row.name,
    formatNumber(row.crossbus),
    formatNumber(row.peer),
    row.unit,
    Number.isFinite(row.ratio) ? `${row.ratio.toFixed(2)}x` : String(row.ratio),
    row.goal ?? '',
    verdict(row),
  ])
  const widths = header.map((cell, i) => Math.max(cell.length, ...body.map((line) => line[i].length)))
  const numeric = new Set([1, 2, 4])
  const line = (cells) => cells.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd()
  console.log(`\n${suite} (${seconds.toFixed(1)}s)`)
  console.log(line(header))
  console.log(line(widths.map((w) => '-'.repeat(w))))
  for (const cells of body) console.log(line(cells))
}

function formatNumber(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value)
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US')
  return value.toPrecision(3)
}

function withLimit(promise, ms, what) {
  let timer
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000}s`)), ms)
  })
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer))
}

/** A port nobody listens on right now (5180 if the OS will not say). */
function freePort() {
  return new Promise((resolve) => {
    const probe = createNetServer()
    probe.once('error', () => resolve(5180))
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}
