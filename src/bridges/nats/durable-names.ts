import { fingerprintOf } from './message'

/**
 * The names JetStream mode derives: the durable consumer of a device for a subject prefix, and
 * the message id the server deduplicates on. Pure, so they are unit-tested without a server.
 */

const encoder = new TextEncoder()

/**
 * The durable consumer of one device (one browser profile) for one subject prefix: the device's
 * id, and a hash of the prefix, since buses with other prefixes may share the stream. JetStream
 * names allow no `.`, `*`, `>`, whitespace or slashes; the device id is made of none of them.
 *
 * @example
 * consumerName('d3v1ce', 'crossbus.shop') // 'crossbus-d3v1ce-<8 hex digits>'
 */
export function consumerName(deviceId: string, prefix: string): string {
  return `crossbus-${deviceId}-${fingerprintOf(encoder.encode(prefix)).toString(16).padStart(8, '0')}`
}

/** A new device id: 16 characters of [0-9a-z], safe in a consumer name. */
export function newDeviceId(random: () => number = Math.random): string {
  let id = ''
  for (let i = 0; i < 16; i++) id += Math.floor(random() * 36).toString(36)
  return id
}

/**
 * The `Nats-Msg-Id` of an exported event: the device that exported it, then the event's identity.
 * A handover republishes it with the same id, and the server keeps one copy; a consumer knows
 * its own device's events by the first part and skips them (its bus had them first).
 */
export function messageId(deviceId: string, identity: string): string {
  return `${deviceId}:${encodeURIComponent(identity)}`
}

/** Whether a message id says the message was exported by this device. */
export function fromDevice(id: string | undefined, deviceId: string): boolean {
  return id !== undefined && id.startsWith(`${deviceId}:`)
}

/**
 * Whether a stream's subject captures every subject `<prefix>.>` stands for (NATS wildcards: `*`
 * one token, `>` the rest).
 */
export function capturesPrefix(streamSubject: string, prefix: string): boolean {
  const wanted = [...prefix.split('.'), '>']
  const tokens = streamSubject.split('.')
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]
    if (token === '>') return true
    if (i >= wanted.length || wanted[i] === '>') return false
    if (token !== '*' && token !== wanted[i]) return false
  }
  return false
}

/** The stream config a user adds when the bridge may not create it (for the error's message). */
export function streamConfigText(prefix: string, o: { stream: string; maxAgeMs: number; maxMessages: number; duplicateWindowMs: number }): string {
  const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))}s`
  return `nats stream add ${o.stream} --subjects "${prefix}.>" --storage file --retention limits --discard old --max-age ${seconds(o.maxAgeMs)} --max-msgs ${o.maxMessages} --dupe-window ${seconds(o.duplicateWindowMs)}`
}
