import { describe, expect, it } from 'vitest'
import type { Policy } from '../core/index'
import { policyKey } from './context'

describe('BusProvider policyKey', () => {
  it('is the same for policies with equal rules, whatever the key order, so an inline policy keeps its handle', () => {
    const a: Policy = { send: ['cart'], subscribe: ['cart', 'orders'], deny: { subscribe: ['orders.internal'] } }
    const b: Policy = { deny: { subscribe: ['orders.internal'] }, subscribe: ['cart', 'orders'], send: ['cart'] }
    expect(policyKey(a)).toBe(policyKey(b))
  })

  it('differs when any list differs', () => {
    const base = policyKey({ send: ['cart'], subscribe: ['cart'] })
    expect(policyKey({ send: ['cart'], subscribe: ['cart', 'orders'] })).not.toBe(base)
    expect(policyKey({ send: ['cart'] })).not.toBe(base)
    expect(policyKey({ send: ['cart'], subscribe: ['cart'], deny: { send: ['cart'] } })).not.toBe(base)
  })

  it('is the function itself for a function policy, and undefined without a policy', () => {
    const allowAll: Policy = () => true
    expect(policyKey(allowAll)).toBe(allowAll)
    expect(policyKey(() => true)).not.toBe(policyKey(() => true))
    expect(policyKey(undefined)).toBeUndefined()
  })
})
