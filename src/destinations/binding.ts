import { CLOUDEVENTS_BATCH_CONTENT_TYPE, toCloudEventBatch } from '../cloudevents/batch'
import { CLOUDEVENTS_CONTENT_TYPE, toCloudEvent } from '../cloudevents/event'
import type { BusEvent } from '../core/index'
import type { DeliveryMode } from './types'

/** The parts of one HTTP request that carry CloudEvents: what `fetch` sends besides method and URL. */
export interface EncodedRequest {
  readonly headers: Record<string, string>
  /** `undefined`: no body (binary mode, an event without data). */
  readonly body: string | undefined
}

/**
 * Events as one request of the CloudEvents HTTP binding. Structured and binary take one event,
 * batch any number. Throws `INVALID_CLOUDEVENT` (from the mapping) or a `TypeError` (data that
 * `JSON.stringify` refuses, a BigInt say): the caller treats both as a refused event.
 *
 * @example
 * const { headers, body } = encodeRequest('binary', [event])
 * await fetch(url, { method: 'POST', headers, body })
 */
export function encodeRequest(mode: DeliveryMode, events: readonly BusEvent[]): EncodedRequest {
  if (mode === 'batch') {
    return { headers: { 'content-type': CLOUDEVENTS_BATCH_CONTENT_TYPE }, body: JSON.stringify(toCloudEventBatch(events)) }
  }
  if (events.length !== 1) throw new RangeError(`${mode} mode sends one event per request, got ${events.length}`)
  const event = toCloudEvent(events[0]!)
  if (mode === 'structured') return { headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE }, body: JSON.stringify(event) }

  // Binary: every attribute but data becomes a `ce-` header, datacontenttype becomes Content-Type.
  const headers: Record<string, string> = { 'content-type': event.datacontenttype }
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || name === 'datacontenttype') continue
    headers[`ce-${name}`] = percentEncodeHeader(String(value))
  }
  return { headers, body: event.data === undefined ? undefined : JSON.stringify(event.data) }
}

/**
 * A CloudEvents attribute as an HTTP header value (HTTP binding, 3.1.3.2): space, `"`, `%` and
 * everything outside printable ASCII become `%XX` per UTF-8 byte; the rest stays as it is.
 */
export function percentEncodeHeader(value: string): string {
  let out = ''
  for (const char of value) {
    const code = char.codePointAt(0)!
    if (code > 0x20 && code < 0x7f && char !== '"' && char !== '%') out += char
    else for (const byte of utf8.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

const utf8 = new TextEncoder()

export function modeOf(mode: DeliveryMode | undefined): DeliveryMode {
  return mode ?? 'structured'
}
