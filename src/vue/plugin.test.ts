// The plugin's and provideBus's `policy` option, in Node: which handle the composables get.
import { createApp, defineComponent, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { describe, expect, it } from 'vitest'
import { createBus } from '../index'
import { createBusPlugin, provideBus, useBus } from './index'

interface ShopEvents {
  cart: { 'item.added': { sku: string } }
  orders: { 'order.placed': { id: string } }
}

const policy = { send: ['cart'], subscribe: ['cart'] }

describe('crossbus/vue policy option', () => {
  it('createBusPlugin(bus, { policy }) gives every component one handle scoped to the policy', async () => {
    const bus = createBus<ShopEvents>({ name: 'vue-plugin-policy', crossTab: false })
    const app = createApp({ render: () => null }).use(createBusPlugin(bus, { policy }))
    const handle = app.runWithContext(() => useBus<ShopEvents>())
    expect(app.runWithContext(() => useBus())).toBe(handle)
    expect(handle).not.toBe(bus)
    expect(() => handle.send('orders', 'order.placed', '/orders/1', { id: '1' })).toThrow(expect.objectContaining({ code: 'POLICY_DENIED' }))
    expect(() => handle.send('cart', 'item.added', '/cart/tea', { sku: 'tea' })).not.toThrow()
    await bus.close()
  })

  it('provideBus(bus, { policy }) scopes the handle of the components below', async () => {
    const bus = createBus<ShopEvents>({ name: 'vue-provide-policy', crossTab: false })
    const outcomes: string[] = []
    const Child = defineComponent({
      setup() {
        const handle = useBus<ShopEvents>()
        try {
          handle.send('orders', 'order.placed', '/orders/1', { id: '1' })
          outcomes.push('sent')
        } catch (error) {
          outcomes.push((error as { code: string }).code)
        }
        return () => null
      },
    })
    const Parent = defineComponent({
      setup() {
        provideBus(useBus(), { policy })
        return () => h(Child)
      },
    })
    await renderToString(createApp(Parent).use(createBusPlugin(bus)))
    expect(outcomes).toEqual(['POLICY_DENIED'])
    await bus.close()
  })
})
