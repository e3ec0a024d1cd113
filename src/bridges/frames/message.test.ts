import { describe, expect, it } from 'vitest'
import { BusError, type BusEvent } from '../../core/index'
import { MAX_BATCH_EVENTS, PROTOCOL_TAG, readPortMessage, readWindowMessage, toWire, unsafeKeyIn } from './message'

const event: BusEvent = { id: 'abc-1', origin: 'abc', seq: 1, system: 'checkout.steps', kind: 'step.done', path: '/checkout/1', time: 1_700_000_000_000, data: { n: 1 } }

function refusal(raw: unknown): string {
  const read = readPortMessage(raw)
  expect(read).toBeInstanceOf(BusError)
  expect((read as BusError).code).toBe('FRAME_MALFORMED_MESSAGE')
  return (read as BusError).message
}

describe('readWindowMessage', () => {
  it('reads the three handshake messages', () => {
    expect(readWindowMessage({ crossbus: PROTOCOL_TAG, v: 1, type: 'hello', doc: 'abcdefgh' })).toEqual({ crossbus: PROTOCOL_TAG, v: 1, type: 'hello', doc: 'abcdefgh' })
    expect(readWindowMessage({ crossbus: PROTOCOL_TAG, v: 1, type: 'connect', doc: 'abcdefgh' })).toMatchObject({ type: 'connect' })
    expect(readWindowMessage({ crossbus: PROTOCOL_TAG, v: 1, type: 'ping', extra: 1 })).toEqual({ crossbus: PROTOCOL_TAG, v: 1, type: 'ping' })
  })

  it("leaves other libraries' messages alone, untagged", () => {
    for (const raw of ['hello', null, 42, [], { type: 'hello', doc: 'abcdefgh' }, { crossbus: 'other', v: 1, type: 'ping' }]) expect(readWindowMessage(raw)).toBe('foreign')
  })

  it('calls a tagged message of no known shape malformed', () => {
    for (const raw of [
      { crossbus: PROTOCOL_TAG, v: 2, type: 'ping' },
      { crossbus: PROTOCOL_TAG, v: 1, type: 'events', events: [] },
      { crossbus: PROTOCOL_TAG, v: 1, type: 'hello' },
      { crossbus: PROTOCOL_TAG, v: 1, type: 'hello', doc: 'short' },
      { crossbus: PROTOCOL_TAG, v: 1, type: 'connect', doc: 'UPPER-CASE-ID' },
      { crossbus: PROTOCOL_TAG, v: 1, type: 'hello', doc: 'a'.repeat(65) },
    ]) {
      expect(readWindowMessage(raw)).toBe('malformed')
    }
  })
})

describe('readPortMessage', () => {
  it('reads events into fresh events with their identity kept', () => {
    const raw = { v: 1, type: 'events', events: [toWire(event), toWire({ ...event, id: 'abc-2', seq: 2 })], extra: true }
    const read = readPortMessage(raw)
    expect(read).toEqual({ type: 'events', events: [event, { ...event, id: 'abc-2', seq: 2 }] })
  })

  it('reads ready, refused and bye', () => {
    expect(readPortMessage({ v: 1, type: 'ready' })).toEqual({ type: 'ready' })
    expect(readPortMessage({ v: 1, type: 'refused', count: 2, message: 'no' })).toEqual({ type: 'refused', count: 2, message: 'no' })
    expect(readPortMessage({ v: 1, type: 'bye', reason: 'flooded' })).toEqual({ type: 'bye', reason: 'flooded' })
  })

  it('refuses a message of no known version or type', () => {
    expect(refusal(null)).toMatch(/not an object/)
    expect(refusal({ v: 2, type: 'ready' })).toMatch(/same crossbus version/)
    expect(refusal({ v: 1, type: 'hello' })).toMatch(/no known "type"/)
    expect(refusal({ v: 1, type: 'bye', reason: 'bored' })).toMatch(/known reason/)
    expect(refusal({ v: 1, type: 'refused', count: 0, message: 'x' })).toMatch(/count/)
  })

  it('refuses a whole batch for one bad event, naming it', () => {
    const good = toWire(event)
    expect(refusal({ v: 1, type: 'events', events: [] })).toMatch(/non-empty array/)
    expect(refusal({ v: 1, type: 'events', events: [good, good.slice(0, 7)] })).toMatch(/event 1 is not an \[id, origin/)
    expect(refusal({ v: 1, type: 'events', events: [good, { ...event }] })).toMatch(/event 1 is not/)
    const bad = (index: number, value: unknown) => Object.assign([...good], { [index]: value })
    expect(refusal({ v: 1, type: 'events', events: [bad(0, '')] })).toMatch(/event 0: .*id/)
    expect(refusal({ v: 1, type: 'events', events: [bad(2, -1)] })).toMatch(/seq/)
    expect(refusal({ v: 1, type: 'events', events: [bad(3, 'a/b')] })).toMatch(/event 0/)
    expect(refusal({ v: 1, type: 'events', events: [bad(4, '')] })).toMatch(/event 0/)
    expect(refusal({ v: 1, type: 'events', events: [bad(6, 1.5)] })).toMatch(/time/)
    expect(refusal({ v: 1, type: 'events', events: [bad(7, JSON.parse('{"a":{"__proto__":{"polluted":true}}}'))] })).toMatch(/own "__proto__" key/)
  })

  it(`refuses more than ${MAX_BATCH_EVENTS} events in one message before reading any`, () => {
    const events = Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => 'not read')
    expect(refusal({ v: 1, type: 'events', events })).toMatch(/1001 events in one message/)
  })
})

describe('unsafeKeyIn', () => {
  it('finds a key that could lead a merge into a prototype, anywhere', () => {
    expect(unsafeKeyIn({ a: [1, { b: { constructor: { prototype: {} } } }] })).toBe('constructor')
    expect(unsafeKeyIn(new Map([['k', { prototype: 1 }]]))).toBe('prototype')
    expect(unsafeKeyIn(new Set([JSON.parse('{"__proto__":1}')]))).toBe('__proto__')
  })

  it('passes ordinary data, shared and cyclic data, and leaves', () => {
    const shared = { x: 1 }
    const cyclic: Record<string, unknown> = { shared, again: shared }
    cyclic.self = cyclic
    expect(unsafeKeyIn(cyclic)).toBeUndefined()
    expect(unsafeKeyIn({ date: new Date(0), bytes: new Uint8Array(4), re: /x/ })).toBeUndefined()
    for (const leaf of [undefined, null, 1, 'constructor', true]) expect(unsafeKeyIn(leaf)).toBeUndefined()
  })

  it('refuses data nested deeper than 256 levels without overflowing the stack', () => {
    let deep: unknown = {}
    for (let i = 0; i < 100_000; i++) deep = { deep }
    expect(unsafeKeyIn(deep)).toBe('depth')
  })
})
