import { expect } from 'vitest'
import { BusError, type BusEvent } from '../core/index'
import { fromCloudEvent, toCloudEvent } from '../cloudevents/event'

export const TIME = Date.UTC(2024, 4, 1, 12, 0, 0, 123)

export function busEvent(overrides: Partial<BusEvent> = {}): BusEvent {
  return {
    id: 'tab1-7',
    system: 'orders.eu',
    kind: 'order.created',
    path: '/orders/123',
    data: { order_id: '123', total: 42.5 },
    time: TIME,
    origin: 'tab1',
    seq: 7,
    ...overrides,
  }
}

// What a crossbus CloudEvent looks like once it has crossed the wire.
export function wireJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...JSON.parse(JSON.stringify(toCloudEvent(busEvent()))), ...overrides }
}

export function without(name: string): Record<string, unknown> {
  const json = wireJson()
  delete json[name]
  return json
}

export function viaWire(evt: BusEvent): BusEvent {
  return fromCloudEvent(JSON.parse(JSON.stringify(toCloudEvent(evt))))
}

export function invalidError(run: () => unknown): BusError {
  try {
    run()
  } catch (err) {
    expect(err).toBeInstanceOf(BusError)
    const error = err as BusError
    expect(error.kind).toBe('INVALID')
    expect(error.code).toBe('CLOUDEVENT_INVALID')
    expect(error.retryable).toBe(false)
    return error
  }
  throw new Error('expected a BusError, but nothing was thrown')
}
