import { BusError, type BusEvent } from '../../core/index'
import { fromCloudEvent, toCloudEvent } from '../../cloudevents/event'
import { natsError } from './errors'
import { parseSubject, subjectOf } from './subject'

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

// Distinct subjects remembered per direction; a bus has a few dozen, a flood of new ones starts over.
const SUBJECT_CACHE_LIMIT = 1024

type Names = { readonly system: string; readonly kind: string }

/**
 * Events as NATS messages and back, for one subject prefix: the subject, and the event's
 * CloudEvent in the JSON format as the payload. Subjects are remembered both ways, so a stream of
 * events of a few systems pays for escaping and parsing a subject once per system and kind, not
 * once per event.
 */
export class MessageCodec {
  private readonly subjects = new Map<string, Map<string, string>>()
  private subjectCount = 0
  private readonly names = new Map<string, Names>()

  constructor(
    private readonly prefix: string,
    private readonly maxBytes: number,
  ) {}

  /** An event as a NATS message. Throws `NATS_EXPORT_FAILED` for data that cannot travel as JSON. */
  encode(event: BusEvent): { subject: string; payload: Uint8Array } {
    let json: string
    try {
      json = JSON.stringify(toCloudEvent(event))
    } catch (cause) {
      throw natsError('NATS_EXPORT_FAILED', `The event "${event.id}" (${event.system} ${event.kind}) was not published to NATS: its data cannot travel as JSON.`, cause)
    }
    return { subject: this.subjectOf(event.system, event.kind), payload: encoder.encode(json) }
  }

  /**
   * The event a NATS message carries (its id, when a bus sequenced it, is `<origin>-<seq>`). Throws a `BusError` (`NATS_MESSAGE_TOO_LARGE`,
   * `NATS_MALFORMED_MESSAGE`) for a message that is too large, is not UTF-8 JSON of a valid
   * CloudEvent, or whose subject does not name the event's system and kind.
   */
  decode(subject: string, payload: Uint8Array): BusEvent {
    const { prefix, maxBytes } = this
    if (payload.byteLength > maxBytes) {
      throw natsError('NATS_MESSAGE_TOO_LARGE', `A NATS message on "${subject}" was dropped: ${payload.byteLength} bytes is over maxMessageBytes (${maxBytes}).`)
    }
    const malformed = (why: string, cause?: unknown) => natsError('NATS_MALFORMED_MESSAGE', `A NATS message on "${subject}" was dropped: ${why}.`, cause)
    const names = this.namesOf(subject)
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
    // A bus names each event after its origin and seq: any other id would let one event pass for
    // two identities (the bus's, by id; the bridge's, by origin and seq).
    if (event.seq > 0 && event.id !== `${event.origin}-${event.seq}`) {
      throw malformed(`its id "${event.id}" is not its crossbusorigin and crossbusseq ("${event.origin}-${event.seq}")`)
    }
    return event
  }

  private subjectOf(system: string, kind: string): string {
    let kinds = this.subjects.get(system)
    let subject = kinds?.get(kind)
    if (subject !== undefined) return subject
    subject = subjectOf(this.prefix, system, kind)
    if (this.subjectCount >= SUBJECT_CACHE_LIMIT) {
      this.subjects.clear()
      this.subjectCount = 0
      kinds = undefined
    }
    if (!kinds) this.subjects.set(system, (kinds = new Map()))
    kinds.set(kind, subject)
    this.subjectCount++
    return subject
  }

  /** Only subjects that parse are remembered: garbage costs its sender, not the cache. */
  private namesOf(subject: string): Names | undefined {
    let names = this.names.get(subject)
    if (names) return names
    names = parseSubject(this.prefix, subject)
    if (!names) return undefined
    if (this.names.size >= SUBJECT_CACHE_LIMIT) this.names.clear()
    this.names.set(subject, names)
    return names
  }
}

/**
 * A fingerprint of a message's content (FNV-1a over its bytes): two copies of one event, encoded by
 * any bridge, have the same bytes, so a copy whose fingerprint differs carries other content.
 */
export function fingerprintOf(payload: Uint8Array): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < payload.length; i++) hash = Math.imul(hash ^ payload[i]!, 0x01000193)
  return hash >>> 0
}
