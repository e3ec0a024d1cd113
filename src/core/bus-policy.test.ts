import { afterEach, describe, expect, it } from 'vitest'
import { catchError } from '../testing/catch-error'
import { collect, localBuses } from '../testing/local-buses'
import { BusError } from './errors'

// Policies on a bus and its scoped handles: what they allow, deny, and how a failing one denies.
const { newBus, closeAll } = localBuses()
afterEach(closeAll)

describe('policies', () => {
  it('a bus policy refuses denied sends and exact subscriptions', () => {
    const bus = newBus({ policy: { send: ['orders.*'], subscribe: ['orders.*'] } })
    const seen = collect(bus.subscribe('orders.*'))
    const error = catchError(() => bus.send('users', 'user.created', '/users/1'))
    expect(error).toMatchObject({ kind: 'INVALID', code: 'POLICY_DENIED', retryable: false })
    expect(error.message).toContain('users')
    expect(catchError(() => bus.subscribe('users'))).toMatchObject({ code: 'POLICY_DENIED' })
    bus.send('orders.eu', 'order.created', '/o')
    expect(seen).toHaveLength(1)
  })

  it('a scoped handle sends and subscribes only where its policy allows', () => {
    const bus = newBus()
    const cart = bus.scope({ send: ['cart.*'], subscribe: ['orders.*', 'cart.**'], deny: { subscribe: ['orders.internal'] } })
    const everything = collect(bus.subscribe('**'))
    expect(catchError(() => cart.send('orders.eu', 'order.created', '/o'))).toMatchObject({ code: 'POLICY_DENIED' })
    expect(everything).toEqual([])
    expect(cart.send('cart.items', 'item.added', '/cart/1').system).toBe('cart.items')
    expect(catchError(() => cart.subscribe('users'))).toMatchObject({ code: 'POLICY_DENIED' })
    expect(catchError(() => cart.subscribe('orders.internal'))).toMatchObject({ code: 'POLICY_DENIED' })
  })

  it.each(['**', 'orders.**', '*', '*.*', '{orders,users,payments}', '{orders,users}.**', 'o*', '**.internal', 'orders.{internal,eu}'])(
    'a scoped subscription to %j never gets a system the policy does not allow',
    (pattern) => {
      const bus = newBus()
      const scoped = bus.scope({ subscribe: ['orders.*'], deny: { subscribe: ['orders.internal'] } })
      const seen = collect(scoped.subscribe(pattern))
      for (const system of ['orders', 'users', 'payments', 'orders.internal', 'orders.eu', 'orders.eu.west', 'users.eu', 'o']) {
        bus.send(system, 'k', '/x')
      }
      expect(seen.every((e) => e.system === 'orders.eu')).toBe(true)
      // Of the allowed systems (orders.eu only), which this pattern matches at all.
      const patternMatchesOrdersEu = !['*', '{orders,users,payments}', '**.internal', 'o*'].includes(pattern)
      expect(seen.map((e) => e.system)).toEqual(patternMatchesOrdersEu ? ['orders.eu'] : [])
    },
  )

  it('a scope of a scope never widens its parent', () => {
    const bus = newBus()
    const outer = bus.scope({ send: ['cart.*'], subscribe: ['cart.*'] })
    const inner = outer.scope({ send: ['**'], subscribe: ['**'] })
    expect(catchError(() => inner.send('orders', 'k', '/x'))).toMatchObject({ code: 'POLICY_DENIED' })
    expect(inner.send('cart.a', 'k', '/x').system).toBe('cart.a')
  })

  it('takes a policy function', () => {
    const bus = newBus({ policy: (action, system) => action === 'events.subscribe' || system === 'ok' })
    expect(bus.send('ok', 'k', '/x').system).toBe('ok')
    expect(catchError(() => bus.send('nope', 'k', '/x'))).toMatchObject({ code: 'POLICY_DENIED' })
  })

  it('refuses a malformed policy when the bus or scope is made', () => {
    expect(catchError(() => newBus({ policy: { send: ['a..b'] } }))).toMatchObject({ code: 'MALFORMED_PATTERN' })
    expect(catchError(() => newBus().scope({ subscribe: [''] }))).toMatchObject({ code: 'EMPTY_PATTERN' })
    expect(catchError(() => newBus().scope({ subscribe: ['*'.repeat(4097)] }))).toMatchObject({ code: 'PATTERN_TOO_LONG' })
  })

  it('a deny glob that backtracked (*tmp*tmp*tmp*x) answers at once; a 2,400-character system is refused for its length', () => {
    const bus = newBus({ policy: { send: ['**'], subscribe: ['**'], deny: { send: ['*tmp*tmp*tmp*x'] } } })
    const seen = collect(bus.subscribe('**'))
    expect(catchError(() => bus.send('tmp'.repeat(800), 'k', '/p')).code).toBe('SYSTEM_TOO_LONG')
    expect(catchError(() => bus.send(`${'tmp'.repeat(80)}x`, 'k', '/p')).code).toBe('POLICY_DENIED')
    bus.send('tmp'.repeat(85), 'k', '/p')
    expect(seen).toHaveLength(1)
    expect(catchError(() => bus.subscribe(`orders.${'*eu*west*'.repeat(600)}`)).code).toBe('PATTERN_TOO_LONG')
  })
})

describe('a policy function that throws', () => {
  // A typical slip: a lookup table without an entry for every system.
  const rules: Record<string, string[]> = { orders: ['events.send', 'events.subscribe'] }
  const policy = (action: string, system: string) => rules[system]!.includes(action)

  it('denies, reports POLICY_FAILED, takes no seq and leaves the bus working', () => {
    const bus = newBus({ policy })
    const errors: BusError[] = []
    bus.errors$.subscribe((e) => errors.push(e))
    expect(catchError(() => bus.send('payments', 'k', '/p'))).toMatchObject({ code: 'POLICY_DENIED', kind: 'INVALID' })
    expect(errors.map((e) => e.code)).toEqual(['POLICY_FAILED'])
    expect(errors[0]!.cause).toBeInstanceOf(TypeError)
    expect(bus.send('orders', 'k', '/o').seq).toBe(1)
  })

  it('hides only the systems it throws for from a glob subscription; the rest of the batch arrives', () => {
    const bus = newBus()
    bus.errors$.subscribe(() => {})
    const scoped: string[] = []
    const everything: string[] = []
    bus.scope(policy).subscribe('**').subscribe((e) => scoped.push(e.system))
    bus.subscribe('**').subscribe((e) => everything.push(e.system))
    for (const system of ['orders', 'payments', 'orders']) bus.send(system, 'k', '/x')
    expect(scoped).toEqual(['orders', 'orders'])
    expect(everything).toEqual(['orders', 'payments', 'orders'])
  })
})
