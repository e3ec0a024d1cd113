import { describe, expect, it } from 'vitest'
import { compilePolicy, intersect } from './policy'
import { catchError } from '../testing/catch-error'

describe('policy', () => {
  const policy = compilePolicy({ send: ['cart.*'], subscribe: ['orders.*', 'cart.**'], deny: { subscribe: ['orders.internal'] } })

  it('allows what its lists allow', () => {
    expect(policy('events.send', 'cart.items')).toBe(true)
    expect(policy('events.subscribe', 'orders.eu')).toBe(true)
    expect(policy('events.subscribe', 'cart')).toBe(true)
  })

  it('denies what no list allows', () => {
    expect(policy('events.send', 'orders.eu')).toBe(false)
    expect(policy('events.send', 'cart')).toBe(false)
    expect(policy('events.subscribe', 'users')).toBe(false)
  })

  it('lets deny win over allow', () => {
    expect(policy('events.subscribe', 'orders.internal')).toBe(false)
  })

  it('denies an action without a list', () => {
    const sendOnly = compilePolicy({ send: ['**'] })
    expect(sendOnly('events.send', 'anything')).toBe(true)
    expect(sendOnly('events.subscribe', 'anything')).toBe(false)
  })

  it('takes a function', () => {
    const fn = compilePolicy((action, system) => action === 'events.send' && system === 'a')
    expect(fn('events.send', 'a')).toBe(true)
    expect(fn('events.subscribe', 'a')).toBe(false)
  })

  it('intersects a scope with its parent', () => {
    const both = intersect(compilePolicy({ send: ['a.*'] }), compilePolicy({ send: ['**'] }))
    expect(both('events.send', 'a.b')).toBe(true)
    expect(both('events.send', 'b.c')).toBe(false)
  })

  it('refuses a policy in the wrong shape instead of ignoring it', () => {
    expect(catchError(() => compilePolicy({ deny: ['orders'] } as never))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('policy.deny') })
    expect(catchError(() => compilePolicy({ sned: ['orders'] } as never))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('"sned"') })
    expect(catchError(() => compilePolicy(['orders'] as never))).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(catchError(() => compilePolicy({ deny: { send: 'orders' } } as never))).toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('refuses malformed policies up front', () => {
    expect(catchError(() => compilePolicy({ send: ['orders..x'] }))).toMatchObject({ code: 'MALFORMED_PATTERN', kind: 'INVALID' })
    expect(catchError(() => compilePolicy({ send: 'orders' as unknown as string[] }))).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(catchError(() => compilePolicy(null as never))).toMatchObject({ code: 'INVALID_ARGUMENT' })
  })
})
