#!/usr/bin/env node
// The public API of each entry, rolled up and reported, so that it changes only on purpose.
//
//   node scripts/api.mjs           (the last step of `npm run build`) rolls each entry's declarations,
//                                  which tsc wrote to dist/types/, up into one file per entry
//                                  (dist/<entry>.d.ts, what package.json's "types" point at), and writes
//                                  each entry's API report to dist/api/<entry>.api.md.
//   node scripts/api.mjs --check   (npm test, after the build) fails when a built report differs from
//                                  the one checked in under api/, or names a type no entry exports.
//   node scripts/api.mjs --update  (npm run api, after the build) copies the built reports into api/:
//                                  commit them with the change that made them.
//
// API Extractor analyses the declarations with its own TypeScript (the repository's TypeScript 7 has
// no compiler API); one program serves every entry.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const builtReports = join(root, 'dist', 'api')
const checkedIn = join(root, 'api')

/** Each public entry: its report's name, its declarations as tsc wrote them, and its roll-up. */
const entries = [
  { report: 'crossbus', subpath: '.', declarations: 'dist/types/src/index.d.ts', rollup: 'dist/index.d.ts' },
  { report: 'core', subpath: './core', declarations: 'dist/types/src/core/index.d.ts', rollup: 'dist/core.d.ts' },
  { report: 'sync', subpath: './sync', declarations: 'dist/types/src/sync/index.d.ts', rollup: 'dist/sync.d.ts' },
  { report: 'replay', subpath: './replay', declarations: 'dist/types/src/replay/index.d.ts', rollup: 'dist/replay.d.ts' },
  { report: 'react', subpath: './react', declarations: 'dist/types/src/react/index.d.ts', rollup: 'dist/react.d.ts' },
  { report: 'vue', subpath: './vue', declarations: 'dist/types/src/vue/index.d.ts', rollup: 'dist/vue.d.ts' },
  { report: 'cloudevents', subpath: './cloudevents', declarations: 'dist/types/src/cloudevents/index.d.ts', rollup: 'dist/cloudevents.d.ts' },
  { report: 'destinations', subpath: './destinations', declarations: 'dist/types/src/destinations/index.d.ts', rollup: 'dist/destinations.d.ts' },
  { report: 'nats', subpath: './nats', declarations: 'dist/types/src/bridges/nats/index.d.ts', rollup: 'dist/nats.d.ts' },
  { report: 'frames', subpath: './frames', declarations: 'dist/types/src/bridges/frames/index.d.ts', rollup: 'dist/frames.d.ts' },
  { report: 'devtools', subpath: './devtools', declarations: 'dist/types/devtools/index.d.ts', rollup: 'dist/devtools.d.ts' },
  { report: 'vite', subpath: './vite', declarations: 'dist/types/devtools/vite-plugin.d.ts', rollup: 'dist/vite.d.ts' },
]

const mode = process.argv[2] ?? '--build'
if (mode === '--build') await build()
else if (mode === '--check') process.exitCode = check() ? 0 : 1
else if (mode === '--update') update()
else {
  console.error(`scripts/api.mjs: unknown mode ${mode}; use --check or --update, or nothing to build.`)
  process.exitCode = 1
}

async function build() {
  const { CompilerState, Extractor, ExtractorConfig } = await import('@microsoft/api-extractor')
  const configFile = join(root, 'api-extractor.json')
  const base = ExtractorConfig.loadFile(configFile)
  const configOf = (entry) =>
    ExtractorConfig.prepare({
      configObject: {
        ...base,
        mainEntryPointFilePath: `<projectFolder>/${entry.declarations}`,
        apiReport: { ...base.apiReport, reportFileName: entry.report },
        dtsRollup: { ...base.dtsRollup, untrimmedFilePath: `<projectFolder>/${entry.rollup}` },
      },
      configObjectFullPath: configFile,
      packageJsonFullPath: join(root, 'package.json'),
    })
  for (const entry of entries) {
    if (!existsSync(join(root, entry.declarations))) throw new Error(`scripts/api.mjs: ${entry.declarations} is missing: run tsc -p tsconfig.build.json first.`)
  }
  pointAtEntries()
  rmSync(builtReports, { recursive: true, force: true })
  mkdirSync(builtReports, { recursive: true })
  const configs = entries.map(configOf)
  // One TypeScript program for every entry: building it is most of the time a run takes.
  const compilerState = CompilerState.create(configs[0], { additionalEntryPoints: configs.map((config) => config.mainEntryPointFilePath) })
  let failed = false
  for (const [index, entry] of entries.entries()) {
    const problems = []
    let result
    try {
      result = Extractor.invoke(configs[index], {
        localBuild: false,
        compilerState,
        messageCallback(message) {
          // The report is compared by --check, not here: a build with a changed API still builds.
          if (message.messageId === 'console-api-report-not-copied' || message.messageId === 'console-api-report-missing') message.logLevel = 'none'
          if (message.logLevel === 'error' || message.logLevel === 'warning') problems.push(message.formatMessageWithLocation(root))
          message.handled = true
        },
      })
    } catch (error) {
      // API Extractor throws on declarations it cannot follow (an export of a missing name).
      problems.push(error instanceof Error ? error.message : String(error))
    }
    if (problems.length > 0 || !result || result.errorCount > 0) {
      failed = true
      console.error(`${entry.report}: API Extractor could not roll up the declarations:\n  ${problems.join('\n  ')}`)
    }
  }
  if (failed) process.exit(1)
  console.log(`API: ${entries.length} entries rolled up into dist/<entry>.d.ts, their reports in dist/api/ (npm test compares them with api/)`)
}

/** `crossbus`, `crossbus/core`, ...: how an app imports the entry. */
function specifierOf(entry) {
  return entry.subpath === '.' ? 'crossbus' : `crossbus/${entry.subpath.slice(2)}`
}

/**
 * Makes every declaration file import another entry by its package name (`crossbus/core`), not by
 * a relative path into it: API Extractor then keeps it an import, where a relative path would copy
 * the declarations into each roll-up, and two copies of `Bus<E>` are two types to the compiler (a
 * typed bus of `crossbus` would not fit `bridgeNats` of `crossbus/nats`).
 */
function pointAtEntries() {
  const entryOf = new Map(entries.map((entry) => [join(root, entry.declarations), specifierOf(entry)]))
  const typesRoot = join(root, 'dist', 'types')
  const files = readdirSync(typesRoot, { recursive: true }).filter((file) => file.endsWith('.d.ts')).map((file) => join(typesRoot, file))
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    const rewritten = text.replace(/(from |import\()(['"])(\.{1,2}(?:\/[^'"]*)?)\2/g, (whole, before, quote, relative) => {
      const target = resolve(dirname(file), relative)
      const specifier = [`${target}.d.ts`, join(target, 'index.d.ts')].map((candidate) => entryOf.get(candidate)).find(Boolean)
      return specifier === undefined ? whole : `${before}${quote}${specifier}${quote}`
    })
    if (rewritten !== text) writeFileSync(file, rewritten)
  }
  // API Extractor keeps an import only of a module it resolves from node_modules, and the package's
  // own name would resolve to the package itself: so dist/types gets a package scope of its own,
  // with crossbus under its node_modules, each entry there re-exporting its declarations.
  writeFileSync(join(typesRoot, 'package.json'), `${JSON.stringify({ name: 'crossbus-declarations', private: true, type: 'module' })}\n`)
  const installed = join(typesRoot, 'node_modules', 'crossbus')
  mkdirSync(installed, { recursive: true })
  const exports = {}
  for (const entry of entries) {
    const stub = `${entry.report}.d.ts`
    exports[entry.subpath] = { types: `./${stub}` }
    writeFileSync(join(installed, stub), `export * from '../../${entry.declarations.slice('dist/types/'.length).replace(/\.d\.ts$/, '')}'\n`)
  }
  writeFileSync(join(installed, 'package.json'), `${JSON.stringify({ name: 'crossbus', type: 'module', exports })}\n`)
}

function check() {
  const missing = entries.filter((entry) => !existsSync(join(builtReports, `${entry.report}.api.md`)))
  if (missing.length > 0) {
    console.error(`API: dist/api/ has no report of ${missing.map((entry) => entry.report).join(', ')}: run \`npm run build\` first.`)
    return false
  }
  const reports = new Map(entries.map((entry) => [entry.report, readFileSync(join(builtReports, `${entry.report}.api.md`), 'utf8')]))
  let ok = true
  let changed = false
  for (const [name, built] of reports) {
    const file = join(checkedIn, `${name}.api.md`)
    const expected = existsSync(file) ? readFileSync(file, 'utf8') : undefined
    if (expected !== built) {
      ok = false
      changed = true
      console.error(`API: the built API of ${name} differs from api/${name}.api.md${expected === undefined ? ' (missing)' : ''}`)
      if (expected !== undefined) console.error(firstDifference(expected, built))
    }
    // A type a public signature uses must be one an app can name (and one declaration, not a copy
    // in each roll-up): exported by its entry, or imported from the entry that exports it. Helpers
    // inside the body of an exported type alias (the steps of a conditional type) are the alias's
    // own business: listed, not refused.
    for (const { symbol, inAlias } of forgottenExports(built)) {
      if (inAlias) {
        console.log(`API: ${name}: ${symbol} is a helper inside an exported type alias and is not exported itself`)
        continue
      }
      ok = false
      console.error(`API: ${name} uses the type ${symbol} in a public signature, and does not export it: export it from the entry.`)
    }
  }
  if (ok) console.log(`API: every entry's built API matches its report in api/ (${reports.size} reports)`)
  else if (changed) console.error('API: if the change is on purpose, run `npm run api` and commit api/ with it.')
  return ok
}

/**
 * The types API Extractor found used by the API but not exported, each with whether the
 * declaration using it is a type alias. A warning stands right above the declaration that uses the
 * type, or, when API Extractor cannot place it there, at the end with the declaration file and line.
 */
function forgottenExports(report) {
  const lines = report.split('\n')
  const found = []
  for (const [index, line] of lines.entries()) {
    const match = /\(ae-forgotten-export\) The symbol "(\w+)" needs to be exported/.exec(line)
    if (!match) continue
    const located = /^\/\/ (\S+\.d\.ts):(\d+):\d+ - /.exec(line)
    const user = located ? enclosingDeclaration(join(root, located[1]), Number(located[2])) : lines.slice(index + 1).find((next) => /^export /.test(next))
    found.push({ symbol: match[1], inAlias: /^export (?:declare )?type /.test(user ?? '') })
  }
  return found
}

/** The first line of the top-level declaration that holds a line of a declaration file. */
function enclosingDeclaration(file, lineNumber) {
  if (!existsSync(file)) return undefined
  const lines = readFileSync(file, 'utf8').split('\n').slice(0, lineNumber)
  return lines.reverse().find((line) => /^(?:export )?(?:declare )?(?:type|interface|class|function|const|let|var|enum|namespace) /.test(line))?.replace(/^(?!export )/, 'export ')
}

/** A few lines around the first line that differs, enough to see what changed. */
function firstDifference(expected, built) {
  const was = expected.split('\n')
  const now = built.split('\n')
  let line = 0
  while (line < was.length && line < now.length && was[line] === now[line]) line++
  const around = (lines) => lines.slice(Math.max(0, line - 2), line + 4).map((text, i) => `    ${Math.max(0, line - 2) + i + 1}: ${text}`).join('\n')
  return `  api/ has:\n${around(was)}\n  the build has:\n${around(now)}`
}

function update() {
  const missing = entries.filter((entry) => !existsSync(join(builtReports, `${entry.report}.api.md`)))
  if (missing.length > 0) {
    console.error(`API: dist/api/ has no report of ${missing.map((entry) => entry.report).join(', ')}: run \`npm run build\` first.`)
    process.exitCode = 1
    return
  }
  mkdirSync(checkedIn, { recursive: true })
  for (const file of readdirSync(checkedIn)) if (file.endsWith('.api.md')) rmSync(join(checkedIn, file))
  for (const entry of entries) writeFileSync(join(checkedIn, `${entry.report}.api.md`), readFileSync(join(builtReports, `${entry.report}.api.md`), 'utf8'))
  console.log(`API: api/ now holds the reports of the built API (${entries.length} entries); review the diff and commit it.`)
}

