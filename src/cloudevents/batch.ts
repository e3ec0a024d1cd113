import { BusError, describeValue, type BusEvent } from '../core/index'
import { cloudEventError } from './errors'
import { fromCloudEvent, toCloudEvent, type CloudEventJson } from './event'

/** Media type of a JSON array of CloudEvents in the JSON batch format. */
export const CLOUDEVENTS_BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json'

/**
 * Bus events as a CloudEvents JSON batch, in order; see {@link toCloudEvent}.
 *
 * @throws {BusError} `CLOUDEVENT_INVALID` naming the index of the first event that cannot be encoded.
 *
 * @example
 * const body = JSON.stringify(toCloudEventBatch(events))
 * await fetch(url, { method: 'POST', headers: { 'content-type': CLOUDEVENTS_BATCH_CONTENT_TYPE }, body })
 */
export function toCloudEventBatch<Data>(events: readonly BusEvent<Data>[]): CloudEventJson<Data>[] {
  return events.map((evt, index) => atIndex(index, () => toCloudEvent(evt)))
}

/**
 * Bus events from a parsed CloudEvents JSON batch, in order; see {@link fromCloudEvent}. An empty
 * array is a valid, empty batch. One bad event fails the whole batch, so none is half-delivered.
 *
 * @throws {BusError} `CLOUDEVENT_INVALID` when the input is not an array, or naming the index of
 * the first event that is invalid.
 *
 * @example
 * const events = fromCloudEventBatch(await response.json())
 */
export function fromCloudEventBatch(json: unknown): BusEvent[] {
  if (!Array.isArray(json)) {
    throw cloudEventError('CLOUDEVENT_INVALID', `Invalid CloudEvents batch: expected a JSON array, got ${describeValue(json)}.`)
  }
  // Array.from, unlike map, visits holes of a sparse array, so they are refused rather than skipped.
  return Array.from(json, (item: unknown, index) => atIndex(index, () => fromCloudEvent(item)))
}

function atIndex<T>(index: number, convert: () => T): T {
  try {
    return convert()
  } catch (err) {
    if (!(err instanceof BusError)) throw err
    throw new BusError({ kind: err.kind, code: err.code, retryable: err.retryable, message: `Batch item ${index}: ${err.message}`, cause: err })
  }
}
