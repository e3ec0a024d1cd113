import { describe, expect, it } from 'vitest'
import { compileFilter, EMPTY_FILTER, filterFromQuery, filterToQuery } from './filter'
import type { BusEvent } from '../src/core/index'

const event = (system: string, kind: string, path: string, data: unknown, origin = 'o1'): BusEvent => ({ id: `${origin}-1`, system, kind, path, data, time: 0, origin, seq: 1 })

const events = [
  event('orders.eu', 'order.created', '/orders/1', { customer: 'Ada' }),
  event('orders', 'order.cancelled', '/orders/2', { customer: 'Grace' }, 'o2'),
  event('cart', 'item.added', '/Cart/3', undefined),
]
const matching = (filter: Partial<typeof EMPTY_FILTER>) => events.filter(compileFilter({ ...EMPTY_FILTER, ...filter }).test).map((e) => e.path)

describe('compileFilter', () => {
  it('narrows by system and kind globs, path and text in any case, and origin', () => {
    expect(matching({})).toEqual(['/orders/1', '/orders/2', '/Cart/3'])
    expect(matching({ system: 'orders.**' })).toEqual(['/orders/1', '/orders/2'])
    expect(matching({ system: 'orders.*' })).toEqual(['/orders/1'])
    expect(matching({ kind: '*.cancelled' })).toEqual(['/orders/2'])
    expect(matching({ path: 'cart' })).toEqual(['/Cart/3'])
    expect(matching({ text: 'GRACE' })).toEqual(['/orders/2'])
    expect(matching({ origin: 'o2' })).toEqual(['/orders/2'])
    expect(matching({ system: '{orders,cart}', kind: 'item.*' })).toEqual(['/Cart/3'])
  })

  it('ignores a malformed glob and says why, rather than hiding every event', () => {
    const filter = compileFilter({ ...EMPTY_FILTER, system: 'orders.(eu)', kind: 'order.*' })
    expect(filter.problem).toContain('The system filter "orders.(eu)" is malformed')
    expect(events.filter(filter.test).map((e) => e.path)).toEqual(['/orders/1', '/orders/2'])
  })
})

describe('the filter in a URL', () => {
  it('round-trips the fields in use and leaves other parameters alone', () => {
    const query = filterToQuery({ ...EMPTY_FILTER, system: 'orders.**', text: 'a b&c' }, new URLSearchParams('bus=shop&kind=old'))
    expect(query.toString()).toBe('bus=shop&system=orders.**&text=a+b%26c')
    expect(filterFromQuery(query)).toEqual({ ...EMPTY_FILTER, system: 'orders.**', text: 'a b&c' })
  })
})
