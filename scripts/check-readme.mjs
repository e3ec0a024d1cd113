// Type-checks every ```ts and ```tsx block of README.md and of the guides in docs/ against the
// sources, as a user would write them (`import ... from 'crossbus'`), so the documented examples
// cannot rot.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const outDir = '.readme-check'
const documents = ['README.md', ...readdirSync('docs').filter((file) => file.endsWith('.md')).sort().map((file) => `docs/${file}`)]
rmSync(outDir, { recursive: true, force: true })
let count = 0
for (const document of documents) {
  // One folder per document: a block can import another block of its own document by name, and
  // names never clash between documents.
  const dir = join(outDir, document.replace(/\.md$/, '').replaceAll('/', '__'))
  mkdirSync(dir, { recursive: true })
  const blocks = [...readFileSync(document, 'utf8').matchAll(/^[ \t]*```(tsx?)\n([\s\S]*?)^[ \t]*```/gm)]
  blocks.forEach(([, lang, indented], i) => {
    // A block inside a list item is indented: take the indent of its first line off every line.
    const indent = /^[ \t]*/.exec(indented)?.[0] ?? ''
    const code = indented.split('\n').map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n')
    // A block that opens with its file name (`// audit-log.ts`) is written under that name, so the
    // document's other blocks can import it (`from './audit-log'`).
    const named = /^\/\/ ([\w-]+)\.tsx?\b/.exec(code)?.[1]
    // Each block is its own module, so names never clash between blocks.
    writeFileSync(join(dir, `${named ?? `block-${i + 1}`}.${lang}`), `${code}\nexport {}\n`)
    count++
  })
}
writeFileSync(
  join(outDir, 'tsconfig.json'),
  JSON.stringify({
    extends: '../tsconfig.json',
    compilerOptions: {
      noEmit: true,
      noUnusedLocals: false,
      // What a Vite app has: the devtools examples read import.meta.env.
      types: ['node', 'vite/client'],
      paths: {
        crossbus: ['../src/index.ts'],
        'crossbus/core': ['../src/core/index.ts'],
        'crossbus/sync': ['../src/sync/index.ts'],
        'crossbus/replay': ['../src/replay/index.ts'],
        'crossbus/nats': ['../src/bridges/nats/index.ts'],
        'crossbus/frames': ['../src/bridges/frames/index.ts'],
        'crossbus/cloudevents': ['../src/cloudevents/index.ts'],
        'crossbus/destinations': ['../src/destinations/index.ts'],
        'crossbus/devtools': ['../devtools/index.ts'],
        'crossbus/vite': ['../devtools/vite-plugin.ts'],
        'crossbus/react': ['../src/react/index.ts'],
        'crossbus/vue': ['../src/vue/index.ts'],
      },
    },
    include: ['**/*.ts', '**/*.tsx'],
  }),
)
try {
  execFileSync('npx', ['tsc', '-p', join(outDir, 'tsconfig.json')], { stdio: 'inherit' })
  console.log(`README.md and docs/: ${count} TypeScript blocks in ${documents.length} documents type-check`)
} catch {
  console.error(`A documented TypeScript block does not type-check: ${outDir}/<document>/block-N.ts above is the N-th \`\`\`ts block of that document`)
  process.exitCode = 1
}
