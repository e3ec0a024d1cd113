#!/usr/bin/env node
// Builds the crossbus DevTools extension (devtools/extension/) unpacked into dist/extension/: its
// pages (panel.html, devtools.html) as ES modules, and each content script and the service worker
// as one classic script (content scripts cannot import). With --zip, also packs it for the Chrome
// Web Store and Edge Add-ons as dist/crossbus-devtools-<version>.zip.
//   node scripts/build-extension.mjs [--zip] [--out <dir>]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { zipDirectory } from './zip.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const source = join(root, 'devtools/extension')

// One classic script per file: [entry, output name].
const SCRIPTS = [
  ['page-hook.ts', 'hook.js'],
  ['relay.ts', 'relay.js'],
  ['background.ts', 'background.js'],
]

/** Builds the unpacked extension into `outDir` (emptied first); returns the manifest written. */
export async function buildExtension(outDir = join(root, 'dist/extension')) {
  const common = { configFile: false, publicDir: false, logLevel: 'warn', define: { 'process.env.NODE_ENV': '"production"' } }
  await build({
    ...common,
    root: source,
    base: './',
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      // Readable, as the store reviewers and the developers reading a stack trace would have it.
      minify: false,
      modulePreload: false,
      rolldownOptions: { input: { panel: join(source, 'panel.html'), devtools: join(source, 'devtools.html') } },
    },
  })
  for (const [entry, fileName] of SCRIPTS) {
    await build({
      ...common,
      build: {
        outDir,
        emptyOutDir: false,
        target: 'es2022',
        minify: false,
        lib: { entry: join(source, entry), formats: ['iife'], name: 'crossbusDevtools', fileName: () => fileName },
      },
    })
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const manifest = { ...JSON.parse(readFileSync(join(source, 'manifest.json'), 'utf8')), version: pkg.version.replace(/[-+].*$/, '') }
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  return manifest
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const at = args.indexOf('--out')
  const outDir = at >= 0 ? resolve(args[at + 1]) : join(root, 'dist/extension')
  const manifest = await buildExtension(outDir)
  console.log(`extension: ${outDir} (manifest ${manifest.version})`)
  if (args.includes('--zip')) {
    const zipFile = join(dirname(outDir), `crossbus-devtools-${manifest.version}.zip`)
    mkdirSync(dirname(zipFile), { recursive: true })
    const { files, bytes } = zipDirectory(outDir, zipFile)
    console.log(`extension: ${zipFile} (${files} files, ${(bytes / 1024).toFixed(1)} KB)`)
  }
}
