import { BusError, type BusEvent } from '../../core/index'
import { fromCloudEvent, toCloudEvent } from '../../cloudevents/event'
import { encodeSource } from '../../cloudevents/source'
import { formatRfc3339 } from '../../cloudevents/time'
import { natsError } from './errors'
import { PUBLISH_SEQ_ATTRIBUTE } from './publish-seq'
import { parseSubject, subjectOf } from './subject'

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

// Distinct subjects remembered per direction; a bus has a few dozen, a flood of new ones starts over.
const SUBJECT_CACHE_LIMIT = 1024

type Names = { readonly system: string; readonly kind: string }

/** Where events of one system and kind go, and what their CloudEvents say of both. */
interface Route {
  readonly subject: string
  /** `"source":…,"type":…`, as `JSON.stringify(toCloudEvent(event))` writes them. */
  readonly names: string
}

// The CloudEvents Integer is 32-bit: a seq past it travels as a string (see toCloudEvent).
const INT32_MAX = 2_147_483_647
// Payloads are written into shared slabs of this size: one ArrayBuffer per message costs more than
// the JSON. A larger message gets a buffer of its own.
const SLAB_BYTES = 64 * 1024
const SLAB_MESSAGE_LIMIT = SLAB_BYTES / 8

/**
 * Events as NATS messages and back, for one subject prefix: the subject, and the event's
 * CloudEvent in the JSON format as the payload. Subjects are remembered both ways, so a stream of
 * events of a few systems pays for escaping and parsing a subject once per system and kind, not
 * once per event.
 */
export class MessageCodec {
  private readonly routes = new Map<string, Map<string, Route>>()
  private routeCount = 0
  private readonly names = new Map<string, Names>()
  private slab = new Uint8Array(0)
  private slabUsed = 0

  constructor(
    private readonly prefix: string,
    private readonly maxBytes: number,
  ) {}

  /**
   * An event as a NATS message, stamped first with `stampOf(subject)` (the publisher's number of it,
   * see `publish-seq.ts`) when given. Throws `NATS_EXPORT_FAILED` for data that cannot travel as JSON.
   */
  encode(event: BusEvent, stampOf?: (subject: string) => string): { subject: string; payload: Uint8Array; stamp: string | undefined } {
    const route = this.routeOf(event.system, event.kind)
    const stamp = stampOf?.(route.subject)
    // The stamp first, so a fingerprint can skip it: copies of one event from two publishers differ only there.
    const head = stamp === undefined ? '{' : `${STAMP_PREFIX}${stamp}",`
    let json: string
    try {
      json = eventJson(event, route, head) ?? `${head}${JSON.stringify(toCloudEvent(event)).slice(1)}`
    } catch (cause) {
      throw natsError('NATS_EXPORT_FAILED', `The event "${event.id}" (${event.system} ${event.kind}) was not published to NATS: its data cannot travel as JSON.`, cause)
    }
    return { subject: route.subject, payload: this.bytesOf(json), stamp }
  }

  /**
   * The event a NATS message carries (its id, when a bus sequenced it, is `<origin>-<seq>`). Throws a `BusError` (`NATS_MESSAGE_TOO_LARGE`,
   * `NATS_MALFORMED_MESSAGE`) for a message that is too large, is not UTF-8 JSON of a valid
   * CloudEvent, or whose subject does not name the event's system and kind.
   */
  decode(subject: string, payload: Uint8Array): { event: BusEvent; stamp: string | undefined } {
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
    const stamp = (json as Record<string, unknown>)[PUBLISH_SEQ_ATTRIBUTE]
    return { event, stamp: typeof stamp === 'string' ? stamp : undefined }
  }

  private routeOf(system: string, kind: string): Route {
    let kinds = this.routes.get(system)
    let route = kinds?.get(kind)
    if (route !== undefined) return route
    route = { subject: subjectOf(this.prefix, system, kind), names: `"source":${JSON.stringify(encodeSource(system))},"type":${JSON.stringify(kind)}` }
    if (this.routeCount >= SUBJECT_CACHE_LIMIT) {
      this.routes.clear()
      this.routeCount = 0
      kinds = undefined
    }
    if (!kinds) this.routes.set(system, (kinds = new Map()))
    kinds.set(kind, route)
    this.routeCount++
    return route
  }

  /** The UTF-8 of a payload, in a slab shared with the messages around it (never written again). */
  private bytesOf(json: string): Uint8Array {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const most = json.length * 3
    if (most > SLAB_MESSAGE_LIMIT) return encoder.encode(json)
    if (this.slab.length - this.slabUsed < most) {
      this.slab = new Uint8Array(SLAB_BYTES)
      this.slabUsed = 0
    }
    const start = this.slabUsed
    this.slabUsed += encoder.encodeInto(json, this.slab.subarray(start)).written
    return this.slab.subarray(start, this.slabUsed)
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
 * `JSON.stringify(toCloudEvent(event))` with `head` (`{` and the stamp) for its `{`, byte for byte,
 * written from the route's cached names for the events a bus sequenced (every exported one but
 * those of other producers); `undefined` for the rest, and for what toCloudEvent would refuse,
 * which take the general path. Byte for byte matters: two bridges publishing one event must send
 * the same content (see fingerprintOf), whichever path wrote it.
 */
function eventJson(event: BusEvent, route: Route, head: string): string | undefined {
  const { id, path, seq, data } = event
  if (!(seq > 0 && seq <= INT32_MAX && Number.isInteger(seq)) || id === '' || path === '' || event.system === '' || event.kind === '') return undefined
  const time = formatRfc3339(event.time)
  if (time === undefined) return undefined
  // Stringified as the attribute it is, so a toJSON sees the key "data" and an absent value leaves no key.
  const dataJson = data === undefined ? '{}' : JSON.stringify({ data })
  const dataMember = dataJson.length > 2 ? `,${dataJson.slice(1, -1)}` : ''
  return `${head}"specversion":"1.0","id":${JSON.stringify(id)},${route.names},"subject":${JSON.stringify(path)},"time":"${time}","datacontenttype":"application/json","crossbusorigin":${JSON.stringify(event.origin)},"crossbusseq":${seq}${dataMember}}`
}

const STAMP_PREFIX = `{"${PUBLISH_SEQ_ATTRIBUTE}":"`
const STAMP_BYTES = encoder.encode(STAMP_PREFIX)
const QUOTE = 0x22
const COMMA = 0x2c
const BRACE = 0x7b

/**
 * A fingerprint of a message's content (FNV-1a over its bytes, the publisher's stamp left out): two
 * copies of one event, encoded by any bridge, have the same bytes but for the stamp, so a copy
 * whose fingerprint differs carries other content.
 */
export function fingerprintOf(payload: Uint8Array): number {
  const end = stampEnd(payload)
  const from = end === undefined ? 0 : end + 2
  // The stamp left out, what is left is hashed as the unstamped JSON: "{" and the rest.
  let hash = from === 0 ? 0x811c9dc5 : Math.imul(0x811c9dc5 ^ BRACE, 0x01000193)
  for (let i = from; i < payload.length; i++) hash = Math.imul(hash ^ payload[i]!, 0x01000193)
  return hash >>> 0
}

/** The publisher's stamp a message opens with, read without parsing it (a message too large to parse still arrived). */
export function stampOf(payload: Uint8Array): string | undefined {
  const end = stampEnd(payload)
  return end === undefined ? undefined : decoder.decode(payload.subarray(STAMP_BYTES.length, end))
}

// Stamps are short: one that is not closed within this many bytes is none.
const MAX_STAMP_BYTES = 1100

/** Where the stamp a message opens with ends (its closing quote, followed by a comma). */
function stampEnd(payload: Uint8Array): number | undefined {
  for (let i = 0; i < STAMP_BYTES.length; i++) if (payload[i] !== STAMP_BYTES[i]) return undefined
  // A loop, not subarray().indexOf(): this runs for every message, and a view costs an allocation.
  const limit = Math.min(payload.length, STAMP_BYTES.length + MAX_STAMP_BYTES)
  let end = STAMP_BYTES.length
  while (end < limit && payload[end] !== QUOTE) end++
  return end < limit && payload[end + 1] === COMMA ? end : undefined
}
