// The docs' promises that are data rather than prose: the error tables of docs/errors.md are the
// modules' `*_ERROR_CODES`, and the complete example plugin of docs/plugins.md runs and does what
// the text says.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createBus, type BusPlugin } from './index'

const root = resolve(import.meta.dirname, '..')
const read = (file: string) => readFileSync(join(root, file), 'utf8')

/** Where each public entry's source is, as the docs' type-check maps them. */
const entrySources: Record<string, string> = {
  crossbus: 'src/index.ts',
  'crossbus/core': 'src/core/index.ts',
  'crossbus/sync': 'src/sync/index.ts',
  'crossbus/replay': 'src/replay/index.ts',
  'crossbus/react': 'src/react/index.ts',
  'crossbus/vue': 'src/vue/index.ts',
  'crossbus/destinations': 'src/destinations/index.ts',
  'crossbus/nats': 'src/bridges/nats/index.ts',
  'crossbus/devtools': 'devtools/index.ts',
}

type CodeTable = Record<string, { kind: string; retryable: boolean }>

/** The `## <Module>: \`X_ERROR_CODES\` of \`entry\`` sections of docs/errors.md, each with its table. */
function documentedTables(): Array<{ name: string; entry: string; table: CodeTable }> {
  const sections = read('docs/errors.md').split(/^## /m).slice(1)
  return sections.flatMap((section) => {
    const heading = /^[^\n]*`([A-Z_]*ERROR_CODES)` of `([\w/]+)`/.exec(section)
    if (!heading) return []
    const table: CodeTable = {}
    for (const [, codes, kind, retryable] of section.matchAll(/^\| (`[A-Z_]+`(?: \/ `[A-Z_]+`)*) \| `([A-Z_]+)` \| (yes|no) \|/gm)) {
      for (const code of codes!.match(/[A-Z_]+/g)!) table[code] = { kind: kind!, retryable: retryable === 'yes' }
    }
    return [{ name: heading[1]!, entry: heading[2]!, table }]
  })
}

describe('docs/errors.md', () => {
  it("lists every code of each module's table, with its kind and retryable, and no other", async () => {
    const documented = documentedTables()
    expect(documented.length).toBeGreaterThan(0)
    for (const { name, entry, table } of documented) {
      expect(entrySources[entry], `docs/errors.md names ${entry}, which is no entry`).toBeDefined()
      const module = (await import(/* @vite-ignore */ join(root, entrySources[entry]!))) as Record<string, unknown>
      expect(table, `the ${name} table of docs/errors.md against ${name} of ${entry}`).toEqual(module[name])
    }
  })

  it('has a section for every error table an entry exports', async () => {
    const documented = new Set(documentedTables().map(({ name }) => name))
    for (const [entry, source] of Object.entries(entrySources)) {
      const module = (await import(/* @vite-ignore */ join(root, source))) as Record<string, unknown>
      for (const name of Object.keys(module).filter((key) => key.endsWith('ERROR_CODES'))) {
        expect(documented.has(name), `${name} of ${entry} has a "## <Module>: \`${name}\` of \`${entry}\`" section in docs/errors.md`).toBe(true)
      }
    }
  })
})

/** The ```ts block of a document that opens with `// <file>`. */
function blockOf(document: string, file: string): string | undefined {
  return new RegExp(`\`\`\`ts\\n(\\/\\/ ${file.replace('.', '\\.')}[:\\n][\\s\\S]*?)\`\`\``).exec(document)?.[1]
}

/** Writes the named blocks of a document where they can import the sources as `crossbus...`. */
function writeExample(document: string, folder: string, files: readonly string[]): string {
  const dir = join(root, '.readme-check', folder)
  mkdirSync(dir, { recursive: true })
  for (const file of files) {
    const code = blockOf(document, file)
    expect(code, `the block that opens with // ${file}`).toBeDefined()
    const resolved = code!.replace(/from '(crossbus(?:\/[\w]+)?)'/g, (whole, entry: string) => (entrySources[entry] ? `from ${JSON.stringify(join(root, entrySources[entry]))}` : whole))
    writeFileSync(join(dir, file), resolved)
  }
  return dir
}

describe('docs/plugins.md: the complete plugin', () => {
  afterEach(() => vi.restoreAllMocks())

  it('runs as written and keeps the latest events with their provenance', async () => {
    const dir = writeExample(read('docs/plugins.md'), 'plugin-example', ['audit-log.ts', 'main.ts'])
    const logged: unknown[][] = []
    vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args))

    await import(/* @vite-ignore */ join(dir, 'main.ts'))
    const example = (await import(/* @vite-ignore */ join(dir, 'audit-log.ts'))) as { auditLog: (limit?: number) => { plugin: BusPlugin; entries: Array<{ event: { kind: string }; provenance: { arrival: string } }>; failures: () => number } }
    expect(logged.at(-1)).toEqual([['sent order.paid', 'sent cart.cleared']])

    const log = example.auditLog(10)
    const bus = createBus({ name: 'audit', crossTab: false })
    bus.send('orders', 'order.created', '/orders/1')
    const attached = bus.use(log.plugin)
    bus.send('orders', 'order.paid', '/orders/1')
    bus.errors$.subscribe(() => {})
    bus.subscribe('orders').subscribe(() => {
      throw new Error('a failing handler')
    })
    bus.send('orders', 'order.shipped', '/orders/1')
    expect(log.entries.map((entry) => `${entry.provenance.arrival} ${entry.event.kind}`)).toEqual(['sent order.paid', 'sent order.shipped'])
    expect(log.failures()).toBe(1)
    await attached.detach()
    expect(log.entries).toEqual([])
    await bus.close()
  })
})
