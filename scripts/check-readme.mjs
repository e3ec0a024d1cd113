// Type-checks every ```ts and ```tsx block of the README against the sources, as a user would
// write them (`import ... from 'crossbus'`), so the documented examples cannot rot.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const outDir = '.readme-check'
const blocks = [...readFileSync('README.md', 'utf8').matchAll(/```(tsx?)\n([\s\S]*?)```/g)]
rmSync(outDir, { recursive: true, force: true })
mkdirSync(outDir)
const files = blocks.map(([, lang, code], i) => {
  // A block that opens with its file name (`// audit-log.ts`) is written under that name, so the
  // README's other blocks can import it (`from './audit-log'`).
  const named = /^\/\/ ([\w-]+)\.tsx?\b/.exec(code)?.[1]
  const file = join(outDir, `${named ?? `block-${i + 1}`}.${lang}`)
  // Each block is its own module, so names never clash between blocks.
  writeFileSync(file, `${code}\nexport {}\n`)
  return file
})
writeFileSync(
  join(outDir, 'tsconfig.json'),
  JSON.stringify({
    extends: '../tsconfig.json',
    compilerOptions: {
      noEmit: true,
      noUnusedLocals: false,
      // What a Vite app has: the README's devtools example reads import.meta.env.
      types: ['node', 'vite/client'],
      paths: {
        crossbus: ['../src/index.ts'],
        'crossbus/core': ['../src/core/index.ts'],
        'crossbus/sync': ['../src/sync/index.ts'],
        'crossbus/replay': ['../src/replay/index.ts'],
        'crossbus/nats': ['../src/bridges/nats/index.ts'],
        'crossbus/destinations': ['../src/destinations/index.ts'],
        'crossbus/devtools': ['../devtools/index.ts'],
        'crossbus/vite': ['../devtools/vite-plugin.ts'],
        'crossbus/react': ['../src/react/index.ts'],
        'crossbus/vue': ['../src/vue/index.ts'],
      },
    },
    include: ['*.ts', '*.tsx'],
  }),
)
try {
  execFileSync('npx', ['tsc', '-p', join(outDir, 'tsconfig.json')], { stdio: 'inherit' })
  console.log(`README: ${files.length} TypeScript blocks type-check`)
} catch {
  console.error('README: a TypeScript block does not type-check (block-N above is the N-th ```ts block)')
  process.exitCode = 1
}
