// The docs' promises that are data rather than prose: the error tables of docs/errors.md are the
// modules' `*_ERROR_CODES`, and the complete example plugin of docs/plugins.md runs and does what
// the text says.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createBus, type Bus, type BusError, type BusEvent, type BusPlugin, type PluginHost } from './index'
import { identityOf, type ModuleHandle } from './core/index'

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
  'crossbus/cloudevents': 'src/cloudevents/index.ts',
  'crossbus/destinations': 'src/destinations/index.ts',
  'crossbus/nats': 'src/bridges/nats/index.ts',
  'crossbus/frames': 'src/bridges/frames/index.ts',
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

interface ForwardModule {
  FORWARD_ERROR_CODES: Record<string, unknown>
  forwardEvents: (
    bus: Bus,
    options: { filter?: unknown; to: (event: BusEvent, key: string) => Promise<void> | void; maxQueuedEvents?: number },
  ) => ModuleHandle<string, { forwarded: number; failed: number; dropped: number }>
}

describe('docs/plugins.md: the module built from the kit alone', () => {
  afterEach(() => vi.restoreAllMocks())

  async function load(): Promise<ForwardModule> {
    const document = read('docs/plugins.md')
    const dir = writeExample(document, 'kit-example', ['forward-events.ts', 'forward-main.ts'])
    expect(blockOf(document, 'forward-events.ts'), 'it imports the core through crossbus/core only').not.toMatch(/from '(?!crossbus\/core'|rxjs')/)
    return (await import(/* @vite-ignore */ join(dir, 'forward-events.ts'))) as ForwardModule
  }

  it('runs as written: a system glob and a kind filter select what is forwarded', async () => {
    await load()
    const logged: unknown[][] = []
    vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args))
    await import(/* @vite-ignore */ join(root, '.readme-check', 'kit-example', 'forward-main.ts'))
    expect(logged.at(-1)).toEqual([['orders.eu order.created', 'orders order.created'], { forwarded: 2, failed: 0, dropped: 0 }])
  })

  it('forwards what was sent or injected here, in order, with its identity, and never what another context sent', async () => {
    const { forwardEvents } = await load()
    const bus = createBus({ name: 'kit-forward', crossTab: false })
    let host: PluginHost | undefined
    bus.use({ name: 'fake-transport', setup: (given) => void (host = given) })
    const seen: string[] = []
    const forwarder = forwardEvents(bus, { filter: [{ system: 'orders.*', kind: 'order.*' }], to: (event, key) => void seen.push(`${event.id} ${key}`) })
    const statuses: string[] = []
    forwarder.status$.subscribe((status) => statuses.push(status))
    await forwarder.ready
    const sent = bus.send('orders.eu', 'order.created', '/orders/1')
    host!.receive({ ...sent, id: 'other-1', origin: 'other', seq: 1 }, 'other')
    const injected = { id: 'remote-7', system: 'orders.us', kind: 'order.paid', path: '/orders/7', data: undefined, time: Date.now(), origin: 'remote', seq: 7 }
    host!.inject(injected)
    bus.send('orders', 'order.created', '/orders/2') // `orders.*` wants one more segment
    await bus.flush()
    expect(seen).toEqual([`${sent.id} ${identityOf(sent)}`, `remote-7 ${identityOf(injected)}`])
    expect(forwarder.stats()).toEqual({ forwarded: 2, failed: 0, dropped: 0 })
    await forwarder.close()
    expect(statuses).toEqual(['idle', 'forwarding', 'idle', 'closed'])
    bus.send('orders.eu', 'order.created', '/orders/3')
    await bus.flush()
    expect(seen).toHaveLength(2)
    await bus.close()
  })

  it('reports a failed forward and a full queue with its own codes, and goes on', async () => {
    const { forwardEvents, FORWARD_ERROR_CODES } = await load()
    const bus = createBus({ name: 'kit-forward-errors', crossTab: false })
    const errors: BusError[] = []
    bus.errors$.subscribe((error) => errors.push(error))
    const forwarder = forwardEvents(bus, {
      maxQueuedEvents: 2,
      to: (event) => (event.kind === 'bad' ? Promise.reject(new Error('receiver down')) : undefined),
    })
    bus.send('a', 'bad', '/1')
    bus.send('a', 'good', '/2')
    bus.send('a', 'good', '/3') // the queue holds two: dropped
    await bus.flush()
    expect(forwarder.stats()).toEqual({ forwarded: 1, failed: 1, dropped: 1 })
    expect(errors.map((error) => [error.code, error.kind, error.retryable])).toEqual([
      ['FORWARD_QUEUE_FULL', 'UNAVAILABLE', false],
      ['FORWARD_FAILED', 'UNAVAILABLE', true],
    ])
    expect(Object.keys(FORWARD_ERROR_CODES)).toEqual(['FORWARD_FAILED', 'FORWARD_QUEUE_FULL'])
    await bus.close()
  })

  it('refuses a misspelt option and a malformed filter when started', async () => {
    const { forwardEvents } = await load()
    const bus = createBus({ name: 'kit-forward-options', crossTab: false })
    expect(() => forwardEvents(bus, { to: () => {}, maxQueued: 5 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('"maxQueued"') }))
    expect(() => forwardEvents(bus, { to: () => {}, filter: { system: 'orders.(eu)' } })).toThrow(expect.objectContaining({ code: 'MALFORMED_PATTERN' }))
    expect(() => forwardEvents(bus, { to: () => {}, filter: { systems: 'orders' } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    await bus.close()
  })
})
