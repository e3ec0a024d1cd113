// The README's promises that are data rather than prose: its error table is ERROR_CODES, and its
// complete example plugin runs and does what the text says.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createBus, ERROR_CODES, type BusPlugin } from './index'

const root = resolve(import.meta.dirname, '..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')

describe('README error table', () => {
  it('lists every code of ERROR_CODES, with its kind and retryable, and no other', () => {
    const section = readme.slice(readme.indexOf('### Errors'), readme.indexOf('### `bus.stats()`'))
    const rows = [...section.matchAll(/^\| (`[A-Z_]+`(?: \/ `[A-Z_]+`)*) \| `([A-Z_]+)` \| (yes|no) \|/gm)]
    const table: Record<string, { kind: string; retryable: boolean }> = {}
    for (const [, codes, kind, retryable] of rows) {
      for (const code of codes!.match(/[A-Z_]+/g)!) table[code] = { kind: kind!, retryable: retryable === 'yes' }
    }
    expect(table).toEqual(ERROR_CODES)
  })
})

describe('README example plugin', () => {
  afterEach(() => vi.restoreAllMocks())

  it('runs as written and keeps the latest events with their provenance', async () => {
    const blockOf = (file: string) => new RegExp(`\`\`\`ts\\n(\\/\\/ ${file.replace('.', '\\.')}[:\\n][\\s\\S]*?)\`\`\``).exec(readme)?.[1]
    const plugin = blockOf('audit-log.ts')
    const usage = blockOf('main.ts')
    expect(plugin, 'the README has the audit-log block').toBeDefined()
    expect(usage, 'the README has the block that uses it').toBeDefined()
    const dir = join(root, '.readme-check', 'plugin-example')
    mkdirSync(dir, { recursive: true })
    const library = `from ${JSON.stringify(join(root, 'src/index.ts'))}`
    writeFileSync(join(dir, 'audit-log.ts'), plugin!.replace(/from 'crossbus'/, library))
    writeFileSync(join(dir, 'main.ts'), usage!.replace(/from 'crossbus'/, library))
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
