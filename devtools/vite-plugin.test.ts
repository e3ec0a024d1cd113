import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { groupSubscriptions } from './agent-channel'
import { crossbusDevtools } from './vite-plugin'

type Hook = (...args: unknown[]) => unknown
const call = (hook: unknown, ...args: unknown[]) => (hook as Hook)(...args)

describe('crossbusDevtools', () => {
  it('serves a page that imports the entry it was given, with the names it read in the source', () => {
    const plugin = crossbusDevtools({ entry: '/devtools/index.ts', buses: ['shop'], path: 'tools' })
    expect(plugin.apply).toBe('serve')
    call(plugin.configResolved, { base: '/app/' })
    const id = call(plugin.resolveId, 'virtual:crossbus-devtools-page')
    expect(call(plugin.load, id)).toBe(
      'import { startDevtoolsPage } from "/devtools/index.ts"\nstartDevtoolsPage({"buses":["shop"],"namesUrl":"/app/tools/names.json"})\n',
    )
    call(plugin.transform, "const bus = createBus<ShopEvents>({ replay: {}, name: 'orders' })", '/src/a.ts')
    call(plugin.transform, "createBus({ name: 'ignored' })", '/node_modules/x/index.js')
    const handlers: Hook[] = []
    call(plugin.configureServer, { middlewares: { use: (handler: Hook) => handlers.push(handler) } })
    const response = { statusCode: 200, headers: {} as Record<string, string>, body: '', setHeader(k: string, v: string) { this.headers[k] = v }, end(body = '') { this.body = body } }
    handlers[0]!({ url: '/app/tools/names.json' }, response, () => {})
    expect(JSON.parse(response.body)).toEqual(['orders', 'shop'])
    handlers[0]!({ url: '/app/tools/?bus=shop' }, response, () => {})
    expect(response.body).toContain('<script type="module" src="/app/@id/__x00__virtual:crossbus-devtools-page"></script>')
    let passed = false
    handlers[0]!({ url: '/app/other' }, response, () => (passed = true))
    expect(passed).toBe(true)
  })
})

describe('crossbusDevtools log', () => {
  it("prints the page's URL after Vite's own URLs, once per local origin", () => {
    const plugin = crossbusDevtools({ path: 'tools' })
    call(plugin.configResolved, { base: '/app/' })
    const logged: string[] = []
    let printed = 0
    const server = {
      middlewares: { use: () => {} },
      resolvedUrls: { local: ['http://localhost:5173/app/', 'http://localhost:5173/app/'], network: [] },
      config: { logger: { info: (line: string) => logged.push(line) } },
      printUrls: () => void printed++,
    }
    call(plugin.configureServer, server)
    server.printUrls()
    expect(printed).toBe(1)
    expect(logged).toEqual(['  ➜  crossbus devtools: http://localhost:5173/app/tools/'])
  })
})

describe('crossbusDevtools config', () => {
  /** A folder with an app in `app/` and packages in `node_modules/` above it, as npm lays them out. */
  function project(packages: Record<string, object>): { app: string; remove: () => void } {
    const root = mkdtempSync(join(tmpdir(), 'crossbus-vite-'))
    for (const [name, json] of Object.entries(packages)) {
      mkdirSync(join(root, 'node_modules', name), { recursive: true })
      writeFileSync(join(root, 'node_modules', name, 'package.json'), JSON.stringify(json))
    }
    mkdirSync(join(root, 'app'))
    return { app: join(root, 'app'), remove: () => rmSync(root, { recursive: true, force: true }) }
  }
  const exportsOf = (...subpaths: string[]) => Object.fromEntries(subpaths.map((subpath) => [subpath, './dist/x.js']))

  it('has Vite pre-bundle every crossbus entry a page can import, an adapter only beside its framework', () => {
    const { app, remove } = project({
      crossbus: { name: 'crossbus', exports: exportsOf('.', './core', './sync', './replay', './react', './vue', './destinations', './nats', './devtools', './vite', './package.json') },
      react: { name: 'react' },
    })
    try {
      const plugin = crossbusDevtools()
      expect(call(plugin.config, { root: app, optimizeDeps: { include: ['crossbus/core'] } })).toEqual({
        optimizeDeps: { include: ['crossbus', 'crossbus/sync', 'crossbus/replay', 'crossbus/react', 'crossbus/destinations', 'crossbus/devtools'] },
      })
    } finally {
      remove()
    }
  })

  it('adds nothing where crossbus is not installed (a checkout of crossbus itself)', () => {
    const { app, remove } = project({ react: { name: 'react' } })
    try {
      expect(call(crossbusDevtools().config, { root: app })).toBeUndefined()
    } finally {
      remove()
    }
  })
})

describe('groupSubscriptions', () => {
  it('counts subscriptions per pattern and kind, most numerous first', () => {
    const subscription = (id: number, pattern: string, kind?: string) => ({ id, pattern, kind, replay: false })
    expect(groupSubscriptions([subscription(1, 'cart'), subscription(2, 'orders.**', 'order.*'), subscription(3, 'orders.**', 'order.*')])).toEqual([
      { pattern: 'orders.**', kind: 'order.*', count: 2 },
      { pattern: 'cart', kind: undefined, count: 1 },
    ])
  })
})
