// The plugin kit is public only if first-party modules live on it too: outside `src/core`, code
// imports core through its entry (`core/index`), as a third-party plugin imports `crossbus/core`.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '..')
const SOURCES = ['src', 'devtools', 'demo', 'e2e', 'bench']
const IMPORT_OF_CORE = /(?:from|import)\s*\(?\s*['"]((?:\.\.?\/)+(?:src\/)?core\/([\w.-]+))['"]/g

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* sourceFiles(path)
    else if (/\.(ts|tsx|mts|js|mjs|vue)$/.test(entry.name)) yield path
  }
}

/** Every import outside `src/core` that names a file of core other than its index. */
export function privateCoreImports(text: string): string[] {
  return [...text.matchAll(IMPORT_OF_CORE)].filter((match) => match[2] !== 'index' && match[2] !== 'index.ts').map((match) => match[1]!)
}

describe('the plugin kit boundary', () => {
  it('finds an import that reaches past core/index', () => {
    expect(privateCoreImports(`import { compilePattern } from '../core/pattern'\nimport type { Bus } from '../../src/core/index'`)).toEqual(['../core/pattern'])
    expect(privateCoreImports(`const m = await import('../core/validate')`)).toEqual(['../core/validate'])
  })

  it('no module outside src/core imports a private file of core', () => {
    const offenders: string[] = []
    for (const top of SOURCES) {
      for (const file of sourceFiles(join(root, top))) {
        const path = relative(root, file)
        if (path.startsWith(join('src', 'core')) || path === join('src', 'kit-boundary.test.ts')) continue
        for (const target of privateCoreImports(readFileSync(file, 'utf8'))) offenders.push(`${path} imports ${target}`)
      }
    }
    expect(offenders).toEqual([])
  })
})
