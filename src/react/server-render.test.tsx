// Server rendering in Node: no DOM, no effects, so the hooks must render without subscribing.
import { StrictMode } from 'react'
import { renderToString } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { createBus } from '../index'
import { BusError } from '../core/index'
import { BusProvider, HOOKS_ERROR_CODES, createBusHooks, useBus, useEvent, useEvents, useLatestEvent, useSend } from './index'

interface ShopEvents {
  cart: { 'item.added': { sku: string; price: number } }
}

const shop = createBusHooks<ShopEvents>()

function Cart() {
  const added = shop.useEvents('cart', 'item.added', { limit: 5 })
  const latest = useLatestEvent('cart')
  const send = useSend()
  useEvent('cart', () => {})
  useEvents('**')
  return (
    <p>
      {added.length} items, latest {latest ? latest.path : 'none'}, send is {typeof send}
    </p>
  )
}

describe('crossbus/react on the server', () => {
  it('renders every hook with no events, no subscription and no browser API', () => {
    expect(typeof window).toBe('undefined')
    const bus = createBus<ShopEvents>({ name: 'ssr-react' })
    const html = renderToString(
      <StrictMode>
        <BusProvider bus={bus}>
          <Cart />
        </BusProvider>
      </StrictMode>,
    )
    expect(html).toBe('<p>0<!-- --> items, latest <!-- -->none<!-- -->, send is <!-- -->function</p>')
    expect(bus.stats().subscriptions).toBe(0)
    bus.close()
  })

  it('renders with a scoped handle', () => {
    const bus = createBus<ShopEvents>({ name: 'ssr-react-scoped' })
    const html = renderToString(
      <BusProvider bus={bus.scope({ subscribe: ['cart'] })}>
        <Cart />
      </BusProvider>,
    )
    expect(html).toContain('0<!-- --> items')
    bus.close()
  })

  it('useBus outside a provider throws a BusError that says what to add', () => {
    function Orphan() {
      useBus()
      return null
    }
    let thrown: unknown
    try {
      renderToString(<Orphan />)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(BusError)
    expect((thrown as BusError).code).toBe('HOOKS_NO_BUS_PROVIDER')
    expect((thrown as BusError).kind).toBe(HOOKS_ERROR_CODES.HOOKS_NO_BUS_PROVIDER.kind)
    expect((thrown as BusError).message).toContain('<BusProvider bus={bus}>')
  })
})
