#!/usr/bin/env node
// After `npm run build`: every subpath export resolves from the package itself, by `import` and,
// on Node 20.19+ (require of ES modules), by `require`, and has its type declarations.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const require = createRequire(import.meta.url)
let failed = false
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target !== 'object') continue
  const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`
  try {
    const imported = await import(specifier)
    const required = require(specifier)
    if (Object.keys(imported).length === 0 || Object.keys(required).length !== Object.keys(imported).length) throw new Error('exports differ between import and require')
    if (!existsSync(new URL(`../${target.types}`, import.meta.url))) throw new Error(`no type declarations at ${target.types}`)
    console.log(`${specifier}: import, require and types resolve (${Object.keys(imported).length} exports)`)
  } catch (error) {
    failed = true
    console.error(`${specifier}: ${error.message}`)
  }
}
if (failed) process.exit(1)
