#!/usr/bin/env node
// Size budget: what each public entry costs a user's bundle, minified and gzipped.
// Dependencies are bundled in (the user pays for them too); only the packages the user
// already has (RxJS, and the framework for an adapter) are left out. Exits 1 if any
// entry is over budget. 1 KB = 1024 bytes.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

/**
 * Entries are skipped until their source file exists. An adapter's figure includes the
 * core it imports, so its budget is the core's plus the adapter's own share.
 */
const entries = [
  { name: 'crossbus', entry: 'src/index.ts', budgetKb: 20 },
  // { name: 'crossbus/react', entry: 'src/react/index.ts', budgetKb: 22, external: ['react', 'react-dom'] },
  // { name: 'crossbus/vue', entry: 'src/vue/index.ts', budgetKb: 22, external: ['vue'] },
]

/** Provided by the user's app, so not counted against any entry. */
const alwaysExternal = ['rxjs', 'rxjs/*']

const root = fileURLToPath(new URL('..', import.meta.url))
const kb = (bytes) => bytes / 1024

async function measure({ entry, external = [] }) {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    minify: true,
    treeShaking: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: [...alwaysExternal, ...external],
    // What an app's production build sees; dev-only branches drop out.
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'warning',
  })
  const code = result.outputFiles[0].contents
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength }
}

let overBudget = false
for (const spec of entries) {
  if (!existsSync(root + spec.entry)) {
    console.log(`${spec.name}: skipped (${spec.entry} does not exist yet)`)
    continue
  }
  const { minified, gzipped } = await measure(spec)
  const over = kb(gzipped) > spec.budgetKb
  overBudget ||= over
  console.log(
    `${spec.name} entry: ${kb(gzipped).toFixed(2)} KB min+gzip (budget ${spec.budgetKb} KB), ` +
      `${kb(minified).toFixed(2)} KB minified${over ? '  <-- OVER BUDGET' : ''}`,
  )
}

if (overBudget) {
  console.error('Size budget exceeded. Find what grew with esbuild --metafile and https://esbuild.github.io/analyze/.')
  process.exit(1)
}
