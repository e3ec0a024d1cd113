import { describe, expect, it } from 'vitest'
import type { BusEvent } from '../../core/index'
import { IdentityLedger } from './identity-ledger'

const event = (origin: string, seq: number, system = 'orders'): BusEvent => ({ id: seq > 0 ? `${origin}-${seq}` : `ext-${origin}`, system, kind: 'k', path: '/p', data: undefined, time: 1, origin, seq })

describe('IdentityLedger', () => {
  it('refuses a second copy of an imported identity whatever its data: a duplicate with the same content, a conflict with other content', () => {
    const ledger = new IdentityLedger('me')
    expect(ledger.verdict(event('remote', 4), 111)).toBe('new')
    ledger.remember(event('remote', 4), 111)
    expect(ledger.verdict(event('remote', 4), 111)).toBe('duplicate')
    expect(ledger.verdict(event('remote', 4), 222)).toBe('conflict')
    // One seq of a context is one identity, whatever system the copy names.
    expect(ledger.verdict(event('remote', 4, 'payments'), 333)).toBe('conflict')
    // Events no bus sequenced: by CloudEvents identity.
    ledger.remember(event('x', 0), 5)
    expect(ledger.verdict(event('x', 0), 5)).toBe('duplicate')
    expect(ledger.verdict(event('x', 0), 6)).toBe('conflict')
    expect(ledger.verdict(event('y', 0), 6)).toBe('new')
  })

  it('knows the contexts of its origin from the start: a copy of what they sent is a duplicate (a conflict when the exported content differs), a seq they have not sent is refused', () => {
    const ledger = new IdentityLedger('me')
    for (const seq of [1, 2, 3]) ledger.sentHere(event('tab', seq))
    // Sent before anything was imported, never exported from here: still known.
    expect(ledger.verdict(event('tab', 2), 9)).toBe('duplicate')
    expect(ledger.verdict(event('tab', 4), 9)).toBe('unsent')
    // This context itself, before it sent anything.
    expect(ledger.verdict(event('me', 1), 9)).toBe('unsent')
    ledger.remember(event('tab', 3), 42)
    expect(ledger.verdict(event('tab', 3), 42)).toBe('duplicate')
    expect(ledger.verdict(event('tab', 3), 43)).toBe('conflict')
  })

  it('stays bounded, and what it forgot of an origin is refused as forgotten, never delivered again', () => {
    const ledger = new IdentityLedger('me')
    for (let seq = 1; seq <= 20_000; seq++) ledger.remember(event('remote', seq), seq)
    // The oldest were forgotten: below the origin's floor they are refused without their content.
    expect(ledger.verdict(event('remote', 1), 1)).toBe('forgotten')
    expect(ledger.verdict(event('remote', 20_000), 20_000)).toBe('duplicate')
    expect(ledger.verdict(event('remote', 20_001), 1)).toBe('new')
    expect(ledger.verdict(event('other', 1), 1)).toBe('new')
  })
  it('admits an identity once: new the first time (and remembered with its fingerprint), then a duplicate or a conflict', () => {
    const ledger = new IdentityLedger('me')
    expect(ledger.admit(event('remote', 9), 7)).toBe('new')
    expect(ledger.admit(event('remote', 9), 7)).toBe('duplicate')
    expect(ledger.admit(event('remote', 9), 8)).toBe('conflict')
    expect(ledger.verdict(event('remote', 9), 7)).toBe('duplicate')
    // Refused ones are not remembered: they stay refused.
    expect(ledger.admit(event('me', 1), 1)).toBe('unsent')
    expect(ledger.admit(event('me', 1), 1)).toBe('unsent')
  })
})
