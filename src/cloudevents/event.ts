import { describeValue, isRecord, isSeq, type BusError, type BusEvent } from '../core/index'
import { cloudEventError } from './errors'
import { decodeSource, encodeSource } from './source'
import { formatRfc3339, parseRfc3339 } from './time'

/** Media type of one CloudEvent in the JSON event format. */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json'

/** The `origin` of an event decoded from a CloudEvent that no crossbus bus produced. */
export const EXTERNAL_ORIGIN = 'external'

/**
 * A bus event as a CloudEvents 1.0 event in the JSON event format: `JSON.stringify` it to send it
 * with {@link CLOUDEVENTS_CONTENT_TYPE}. `origin` and `seq` travel as extension attributes, whose
 * names the spec limits to lowercase `a-z0-9`, at most 20 characters.
 *
 * A type alias, not an interface, so that it stays assignable to `Record<string, unknown>` and to
 * SDK types with an index signature (an interface never is).
 */
export type CloudEventJson<Data = unknown> = {
  readonly specversion: '1.0'
  readonly id: string
  /**
   * The event's `system`, percent-encoded (UTF-8) where a URI-reference cannot hold it: every
   * character but `A-Z a-z 0-9 - . _ ~ $ & , =` (`my system` is `my%20system`).
   */
  readonly source: string
  /** The event's `kind`. */
  readonly type: string
  /** The event's `path`. */
  readonly subject: string
  /** The event's `time`: RFC 3339 in UTC with millisecond precision. */
  readonly time: string
  readonly datacontenttype: 'application/json'
  /** The event's `origin`; absent for an event no bus sequenced (seq 0). */
  readonly crossbusorigin?: string
  /**
   * The event's `seq`: a JSON integer, or a decimal string once it passes 2^31 - 1, because the
   * CloudEvents Integer type is 32-bit. Absent for an event no bus sequenced (seq 0).
   */
  readonly crossbusseq?: number | string
  /** The event's `data`; absent when the event has none, so that `null` stays a real payload. */
  readonly data?: Data
}

const INT32_MAX = 2_147_483_647
const DECIMAL = /^(?:0|[1-9]\d*)$/

/**
 * A bus event as a CloudEvent in the JSON event format; {@link fromCloudEvent} inverts it.
 * `data` is carried as a JSON value, so it must be JSON-serialisable to survive `JSON.stringify`.
 *
 * `source` must be a URI-reference (RFC 3986), which a system may not be (`my system`,
 * `заказы.eu`, `a:b`), so the system is percent-encoded as UTF-8 in it: every character but
 * `A-Z a-z 0-9 - . _ ~ $ & , =`, `%` included, becomes `%XX` per byte (`заказы.eu` is
 * `%D0%B7%D0%B0%D0%BA%D0%B0%D0%B7%D1%8B.eu`). `type` and `subject` carry the kind and path
 * verbatim: CloudEvents asks only that they be non-empty strings. An event no bus sequenced (seq 0,
 * one that came from another producer) carries neither `crossbusorigin` nor `crossbusseq`, so it
 * reads back as it first came in: with origin {@link EXTERNAL_ORIGIN} and seq 0.
 *
 * @throws {BusError} `CLOUDEVENT_INVALID` when the event cannot make a valid CloudEvent: an empty
 * `id`, `system`, `kind` or `path`, a `time` that is not whole epoch milliseconds in years
 * 0000–9999, or a `seq` that is not a non-negative safe integer.
 *
 * @example
 * const body = JSON.stringify(toCloudEvent(evt))
 * await fetch(url, { method: 'POST', headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE }, body })
 */
export function toCloudEvent<Data>(evt: BusEvent<Data>): CloudEventJson<Data> {
  const fail = (detail: string): BusError =>
    cloudEventError('CLOUDEVENT_INVALID', `Cannot encode event "${evt.id}" as a CloudEvent: ${detail}.`)
  for (const [field, attribute] of [['id', 'id'], ['system', 'source'], ['kind', 'type'], ['path', 'subject']] as const) {
    if (evt[field] === '') throw fail(`its ${field} is empty, and CloudEvents forbids an empty ${attribute}`)
  }
  const time = formatRfc3339(evt.time)
  if (time === undefined) throw fail(`its time ${evt.time} is not whole epoch milliseconds in years 0000–9999`)
  if (evt.seq !== 0 && !isSeq(evt.seq)) throw fail(`its seq ${evt.seq} is not a non-negative integer`)

  const json: { -readonly [K in keyof CloudEventJson<Data>]: CloudEventJson<Data>[K] } = {
    specversion: '1.0',
    id: evt.id,
    source: encodeSource(evt.system),
    type: evt.kind,
    subject: evt.path,
    time,
    datacontenttype: 'application/json',
  }
  if (evt.seq !== 0) {
    json.crossbusorigin = evt.origin
    json.crossbusseq = evt.seq <= INT32_MAX ? evt.seq : String(evt.seq)
  }
  if (evt.data !== undefined) json.data = evt.data
  return json
}

/**
 * A bus event from a CloudEvent in the JSON event format; the exact inverse of {@link toCloudEvent}.
 *
 * Takes the parsed object, not JSON text: `JSON.parse` the body first. A string is refused, since a
 * JSON string value is never a CloudEvent and accepting text would hide where a syntax error began.
 *
 * CloudEvents from other producers are accepted as far as the bus event model allows:
 * - without `crossbusorigin` and `crossbusseq`, `origin` is {@link EXTERNAL_ORIGIN} and `seq` is
 *   `0`. Bus sequences start at 1, so `0` marks an event no bus sequenced: ordering and dedupe
 *   by `(origin, seq)` must skip it and use the CloudEvents identity `(source, id)` instead.
 *   Having only one of the two extensions is refused, as it means a damaged crossbus event, and
 *   so is a `crossbusseq` of 0: a bus's sequences start at 1.
 * - without `time` (it is OPTIONAL), `time` is the moment of decoding, as the official SDK does.
 * - `subject` is required, because every bus event names the resource it is about.
 * - `source` is percent-decoded into `system`: each valid UTF-8 escape sequence (either hex case)
 *   becomes its character and anything else stays verbatim, so a malformed `%` (`100%`, `%zz`, a
 *   truncated or overlong sequence) is kept as it is and never throws. That inverts
 *   {@link toCloudEvent} exactly. A foreign URL or path (`https://example.com/orders`,
 *   `/sensors/7`, `a%2Fb` as `a/b`) holds a `/` and is no valid bus system name: the bus refuses it
 *   with `INVALID_SYSTEM` on send or inject, so map it to a system first.
 * - `type` becomes `kind` verbatim.
 * - `data` of a non-JSON `datacontenttype` (a string) is kept as that string; `data_base64` is
 *   refused. Attributes crossbus has no field for (`dataschema`, other extensions) are dropped.
 * - `null` attributes count as absent, as the JSON format requires; `"data": null` stays `null`.
 *
 * Only the known attributes are read, as own properties, into a fresh object, so keys such as
 * `__proto__` in the input can neither pollute prototypes nor reach the result.
 *
 * @throws {BusError} `CLOUDEVENT_INVALID`, whose message names the attribute at fault.
 *
 * @example
 * const evt = fromCloudEvent(await response.json())
 */
export function fromCloudEvent(json: unknown): BusEvent {
  if (!isRecord(json)) {
    const hint = typeof json === 'string' ? ' (parse JSON text with JSON.parse first)' : ''
    throw cloudEventError('CLOUDEVENT_INVALID', `Invalid CloudEvent: expected a JSON object, got ${describeValue(json)}${hint}.`)
  }
  const idValue = attribute(json, 'id')
  const fail = (detail: string): BusError => {
    const which = typeof idValue === 'string' && idValue !== '' ? ` ${quote(idValue)}` : ''
    return cloudEventError('CLOUDEVENT_INVALID', `Invalid CloudEvent${which}: ${detail}.`)
  }
  const text = (name: string, why = ''): string => {
    const value = attribute(json, name)
    if (value === undefined) throw fail(`${name} is missing${why}`)
    if (typeof value !== 'string') throw fail(`${name} must be a string, got ${describeValue(value)}`)
    if (value === '') throw fail(`${name} is empty${why}`)
    return value
  }

  const specversion = attribute(json, 'specversion')
  if (specversion !== '1.0') {
    const got = typeof specversion === 'string' ? quote(specversion) : describeValue(specversion)
    throw fail(`specversion must be "1.0", got ${got}`)
  }
  const id = text('id')
  const source = text('source')
  const type = text('type')
  const subject = text('subject', '; crossbus needs it as the event path, e.g. "/orders/123"')
  if (attribute(json, 'data_base64') !== undefined) {
    throw fail('data_base64 (binary data) is not supported; crossbus carries JSON data in "data"')
  }
  const { origin, seq } = readOriginAndSeq(json, fail)

  return {
    id,
    system: decodeSource(source),
    kind: type,
    path: subject,
    // `data` alone keeps null distinct from absent.
    data: Object.hasOwn(json, 'data') ? json['data'] : undefined,
    time: readTime(json, fail),
    origin,
    seq,
  }
}

type Fail = (detail: string) => BusError

function readTime(json: Readonly<Record<string, unknown>>, fail: Fail): number {
  const value = attribute(json, 'time')
  if (value === undefined) return Date.now()
  if (typeof value !== 'string') throw fail(`time must be an RFC 3339 string, got ${describeValue(value)}`)
  const time = parseRfc3339(value)
  if (time === undefined) throw fail(`time ${quote(value)} is not an RFC 3339 timestamp such as "2024-05-01T12:00:00.000Z"`)
  return time
}

function readOriginAndSeq(json: Readonly<Record<string, unknown>>, fail: Fail): { origin: string; seq: number } {
  const origin = attribute(json, 'crossbusorigin')
  const seq = attribute(json, 'crossbusseq')
  if (origin === undefined && seq === undefined) return { origin: EXTERNAL_ORIGIN, seq: 0 }
  if (origin === undefined) throw fail('crossbusorigin is missing while crossbusseq is set; crossbus events carry both')
  if (typeof origin !== 'string') throw fail(`crossbusorigin must be a string, got ${describeValue(origin)}`)
  if (seq === undefined) throw fail('crossbusseq is missing while crossbusorigin is set; crossbus events carry both')
  // HTTP binary mode and some SDKs turn every extension into a string, so a decimal string counts.
  const number = typeof seq === 'string' && DECIMAL.test(seq) ? Number(seq) : seq
  // Sequences start at 1: seq 0 means "no bus sequenced it", which is said by leaving both out.
  if (!isSeq(number)) {
    const got = typeof seq === 'number' || typeof seq === 'string' ? quote(String(seq)) : describeValue(seq)
    throw fail(`crossbusseq must be a positive integer, got ${got}`)
  }
  return { origin, seq: number }
}

// Own properties only, so nothing inherited (a polluted Object.prototype included) is read as an
// attribute; `null` is absent, as the JSON format requires of attributes.
function attribute(json: Readonly<Record<string, unknown>>, name: string): unknown {
  return Object.hasOwn(json, name) ? (json[name] ?? undefined) : undefined
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)
}
