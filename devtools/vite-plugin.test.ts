import { describe, expect, it } from 'vitest'
import { groupSubscriptions } from './agent'
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

describe('groupSubscriptions', () => {
  it('counts subscriptions per pattern and kind, most numerous first', () => {
    const subscription = (id: number, pattern: string, kind?: string) => ({ id, pattern, kind, replay: false })
    expect(groupSubscriptions([subscription(1, 'cart'), subscription(2, 'orders.**', 'order.*'), subscription(3, 'orders.**', 'order.*')])).toEqual([
      { pattern: 'orders.**', kind: 'order.*', count: 2 },
      { pattern: 'cart', kind: undefined, count: 1 },
    ])
  })
})
