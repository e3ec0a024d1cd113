import { afterEach, describe, expect, it } from 'vitest'
import { createBus, DEVTOOLS_HOOK, type Bus } from './index'

const scope = globalThis as { [DEVTOOLS_HOOK]?: unknown }

describe('the devtools hook', () => {
  afterEach(() => {
    delete scope[DEVTOOLS_HOOK]
  })

  it('hands every bus made to the hook an extension installed', () => {
    const registered: Bus[] = []
    scope[DEVTOOLS_HOOK] = { register: (bus: Bus) => registered.push(bus) }
    const first = createBus({ name: 'one' })
    const second = createBus({ name: 'two' })
    expect(registered).toEqual([first, second])
  })

  it('makes the bus all the same when the hook throws or is not what it should be', () => {
    scope[DEVTOOLS_HOOK] = {
      register: () => {
        throw new Error('broken extension')
      },
    }
    const bus = createBus({ name: 'shop' })
    expect(bus.send('orders', 'order.created', '/orders/1').seq).toBe(1)
    scope[DEVTOOLS_HOOK] = 42
    expect(createBus({ name: 'shop' }).name).toBe('shop')
  })

  it('reads nothing else without a hook', () => {
    expect(DEVTOOLS_HOOK in scope).toBe(false)
    expect(createBus({ name: 'shop' }).name).toBe('shop')
  })
})
