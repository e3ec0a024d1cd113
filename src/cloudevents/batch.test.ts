import { describe, it, expect } from 'vitest'
import { CloudEvent } from 'cloudevents'
import { BusError, type BusEvent } from '../core/index'
import { invalidError } from '../testing/cloud-events'
import { CLOUDEVENTS_BATCH_CONTENT_TYPE, fromCloudEventBatch, toCloudEventBatch } from './batch'

const events: BusEvent[] = [
  { id: 'tab1-1', system: 'orders', kind: 'order.created', path: '/orders/1', data: { total: 1 }, time: 1_714_564_800_000, origin: 'tab1', seq: 1 },
  { id: 'tab1-2', system: 'orders', kind: 'order.paid', path: '/orders/1', data: undefined, time: 1_714_564_800_001, origin: 'tab1', seq: 2 },
  { id: 'tab2-1', system: 'stock', kind: 'stock.low', path: '/skus/A-1', data: [{ sku: 'A-1', left: 2 }], time: 1_714_564_800_002, origin: 'tab2', seq: 1 },
]


describe('CloudEvents JSON batch', () => {
  it('round trips through JSON text, in order', () => {
    const text = JSON.stringify(toCloudEventBatch(events))
    expect(fromCloudEventBatch(JSON.parse(text))).toStrictEqual(events)
  })

  it('writes events the official SDK validates', () => {
    for (const json of toCloudEventBatch(events)) expect(new CloudEvent(json).validate()).toBe(true)
  })

  it('accepts the empty batch', () => {
    expect(toCloudEventBatch([])).toEqual([])
    expect(fromCloudEventBatch([])).toEqual([])
  })

  it('uses the media type of the JSON batch format', () => {
    expect(CLOUDEVENTS_BATCH_CONTENT_TYPE).toBe('application/cloudevents-batch+json')
  })

  it('refuses input that is not an array', () => {
    expect(invalidError(() => fromCloudEventBatch(toCloudEventBatch(events)[0])).message).toBe(
      'Invalid CloudEvents batch: expected a JSON array, got object.',
    )
    expect(invalidError(() => fromCloudEventBatch(null)).message).toMatch(/expected a JSON array, got null/)
    expect(invalidError(() => fromCloudEventBatch('[]')).message).toMatch(/expected a JSON array, got string/)
  })

  it('names the index of the event that failed, keeping its reason as the cause', () => {
    const batch: unknown[] = JSON.parse(JSON.stringify(toCloudEventBatch(events)))
    batch[2] = { ...(batch[2] as object), time: 'soon' }
    const error = invalidError(() => fromCloudEventBatch(batch))
    expect(error.message).toBe(
      'Batch item 2: Invalid CloudEvent "tab2-1": time "soon" is not an RFC 3339 timestamp such as "2024-05-01T12:00:00.000Z".',
    )
    expect(error.cause).toBeInstanceOf(BusError)
  })

  it('refuses a hole in a sparse array instead of skipping it', () => {
    const batch = toCloudEventBatch(events)
    const sparse: unknown[] = [batch[0]]
    sparse[2] = batch[1]
    expect(invalidError(() => fromCloudEventBatch(sparse)).message).toBe('Batch item 1: Invalid CloudEvent: expected a JSON object, got undefined.')
  })

  it('names the index of an event that cannot be encoded', () => {
    const bad = [...events, { ...events[0]!, path: '' }]
    expect(invalidError(() => toCloudEventBatch(bad)).message).toMatch(/^Batch item 3: Cannot encode event "tab1-1" as a CloudEvent: its path is empty/)
  })
})
