import { BusError } from '../../core/errors'
import type { BusEvent } from '../../core/event'
import { fromCloudEvent, toCloudEvent } from '../../cloudevents/event'
import { natsError } from './errors'
import { parseSubject, subjectOf } from './subject'

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** An event as a NATS message: its subject, and its CloudEvent in the JSON format as the payload. */
export function encodeMessage(prefix: string, event: BusEvent): { subject: string; payload: Uint8Array } {
  let json: string
  try {
    json = JSON.stringify(toCloudEvent(event))
  } catch (cause) {
    throw natsError('NATS_EXPORT_FAILED', `The event "${event.id}" (${event.system} ${event.kind}) was not published to NATS: its data cannot travel as JSON.`, cause)
  }
  return { subject: subjectOf(prefix, event.system, event.kind), payload: encoder.encode(json) }
}

/**
 * The event a NATS message carries. Throws a `BusError` (`NATS_MESSAGE_TOO_LARGE`,
 * `NATS_MALFORMED_MESSAGE`) for a message that is too large, is not UTF-8 JSON of a valid
 * CloudEvent, or whose subject does not name the event's system and kind.
 */
export function decodeMessage(prefix: string, subject: string, payload: Uint8Array, maxBytes: number): BusEvent {
  if (payload.byteLength > maxBytes) {
    throw natsError('NATS_MESSAGE_TOO_LARGE', `A NATS message on "${subject}" was dropped: ${payload.byteLength} bytes is over maxMessageBytes (${maxBytes}).`)
  }
  const malformed = (why: string, cause?: unknown) => natsError('NATS_MALFORMED_MESSAGE', `A NATS message on "${subject}" was dropped: ${why}.`, cause)
  const names = parseSubject(prefix, subject)
  if (!names) throw malformed(`its subject is not "${prefix}.<system>.:.<kind>" as the bridge publishes them`)
  let json: unknown
  try {
    json = JSON.parse(decoder.decode(payload))
  } catch (cause) {
    throw malformed('its payload is not UTF-8 JSON', cause)
  }
  let event: BusEvent
  try {
    event = fromCloudEvent(json)
  } catch (cause) {
    throw malformed(`its payload is not a CloudEvent (${cause instanceof BusError ? cause.message : String(cause)})`, cause)
  }
  if (event.system !== names.system || event.kind !== names.kind) {
    throw malformed(`its subject names ${names.system} ${names.kind}, its CloudEvent ${event.system} ${event.kind}`)
  }
  return event
}
