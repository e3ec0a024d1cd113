// Server rendering in Node (no DOM), and the composables' subscription lifecycle in plain effect
// scopes, which needs no renderer at all. Real components are tested in Chromium (e2e/hooks.spec.ts).
import { createApp, createSSRApp, defineComponent, effectScope, h, nextTick, ref } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { describe, expect, it } from 'vitest'
import { createBus, type Bus } from '../index'
import { BusError } from '../core/index'
import { HOOKS_ERROR_CODES, createBusComposables, createBusPlugin, useEvent, useEvents, useLatestEvent, useSend } from './index'

interface ShopEvents {
  cart: { 'item.added': { sku: string; price: number } }
  orders: { 'order.placed': { id: string } }
}

const shop = createBusComposables<ShopEvents>()

const Cart = defineComponent({
  setup() {
    const added = shop.useEvents('cart', 'item.added', { limit: 5 })
    const latest = useLatestEvent('cart')
    const send = useSend()
    useEvent('cart', () => {})
    return () => h('p', `${added.value.length} items, latest ${latest.value?.path ?? 'none'}, send is ${typeof send}`)
  },
})

/** Runs composables as a component's setup would, in a scope the test disposes. */
function inScope<T>(bus: Bus<ShopEvents>, run: () => T): { result: T; dispose: () => void } {
  const app = createApp({ render: () => null }).use(createBusPlugin(bus))
  const scope = effectScope()
  const result = app.runWithContext(() => scope.run(run)!)
  return { result, dispose: () => scope.stop() }
}

describe('crossbus/vue on the server', () => {
  it('renders every composable with no events, no subscription and no browser API', async () => {
    expect(typeof window).toBe('undefined')
    const bus = createBus<ShopEvents>({ name: 'ssr-vue' })
    const html = await renderToString(createSSRApp(Cart).use(createBusPlugin(bus)))
    expect(html).toBe('<p>0 items, latest none, send is function</p>')
    expect(bus.stats().subscriptions).toBe(0)
    bus.close()
  })

  it('useBus without the plugin throws a BusError that says what to add', async () => {
    let thrown: unknown
    const app = createSSRApp(Cart)
    app.config.errorHandler = (error) => {
      thrown = error
    }
    // Setup threw, so Vue also warns that the component renders nothing; that is expected here.
    app.config.warnHandler = () => {}
    await renderToString(app)
    expect(thrown).toBeInstanceOf(BusError)
    expect((thrown as BusError).code).toBe('HOOKS_NO_BUS_PROVIDER')
    expect((thrown as BusError).kind).toBe(HOOKS_ERROR_CODES.HOOKS_NO_BUS_PROVIDER.kind)
  })
})

describe('crossbus/vue in an effect scope', () => {
  it('keeps the last events, resubscribes when a ref pattern changes, and leaves no subscription on dispose', async () => {
    const bus = createBus<ShopEvents>({ name: 'scope-vue' })
    const system = ref<'cart' | 'orders'>('cart')
    const seen: string[] = []
    const { result: events, dispose } = inScope(bus, () => {
      useEvent(system, (e) => seen.push(e.kind))
      return useEvents(system, { limit: 3 })
    })
    expect(bus.stats().subscriptions).toBe(2)
    for (let i = 1; i <= 5; i++) bus.send('cart', 'item.added', `/cart/${i}`, { sku: `${i}`, price: i })
    expect(events.value.map((e) => e.path)).toEqual(['/cart/3', '/cart/4', '/cart/5'])

    system.value = 'orders'
    expect(events.value).toEqual([])
    bus.send('cart', 'item.added', '/cart/6', { sku: '6', price: 6 })
    bus.send('orders', 'order.placed', '/orders/1', { id: '1' })
    await nextTick()
    expect(events.value.map((e) => e.path)).toEqual(['/orders/1'])
    expect(seen).toEqual([...Array(5).fill('item.added'), 'order.placed'])
    expect(bus.stats().subscriptions).toBe(2)

    dispose()
    expect(bus.stats().subscriptions).toBe(0)
    bus.close()
  })

  it('a getter kind resubscribes when what it reads changes', () => {
    const bus = createBus<ShopEvents>({ name: 'scope-vue-kind' })
    const state = ref({ kind: 'item.added' })
    const { result: latest, dispose } = inScope(bus, () => useLatestEvent('**', () => state.value.kind))
    bus.send('orders', 'order.placed', '/orders/1', { id: '1' })
    expect(latest.value).toBeUndefined()
    bus.send('cart', 'item.added', '/cart/1', { sku: '1', price: 1 })
    expect(latest.value?.path).toBe('/cart/1')
    state.value = { kind: 'order.placed' }
    expect(latest.value).toBeUndefined()
    bus.send('orders', 'order.placed', '/orders/2', { id: '2' })
    expect(latest.value?.path).toBe('/orders/2')
    dispose()
    expect(bus.stats().subscriptions).toBe(0)
    bus.close()
  })

  it('replay starts from history, then live events, and a replay of 1 gives the last event', async () => {
    const bus = createBus<ShopEvents>({ name: 'scope-vue-replay', replay: { store: 'memory' } })
    for (let i = 1; i <= 3; i++) bus.send('cart', 'item.added', `/cart/${i}`, { sku: `${i}`, price: i })
    await bus.flush()
    const { result, dispose } = inScope(bus, () => ({
      all: useEvents('cart', { replay: 'all' }),
      latest: useLatestEvent('cart', { replay: 1 }),
    }))
    await expect.poll(() => result.all.value.length).toBe(3)
    expect(result.latest.value?.path).toBe('/cart/3')
    bus.send('cart', 'item.added', '/cart/4', { sku: '4', price: 4 })
    expect(result.all.value.map((e) => e.path)).toEqual(['/cart/1', '/cart/2', '/cart/3', '/cart/4'])
    expect(result.latest.value?.path).toBe('/cart/4')
    dispose()
    expect(bus.stats().subscriptions).toBe(0)
    bus.close()
  })

  it('a limit that is not a positive integer is refused', () => {
    const bus = createBus<ShopEvents>({ name: 'scope-vue-limit' })
    expect(() => inScope(bus, () => useEvents('cart', { limit: 0 }))).toThrow(/limit must be a positive integer/)
    bus.close()
  })
})
