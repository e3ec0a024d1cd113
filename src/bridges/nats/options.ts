import type { Authenticator } from '@nats-io/nats-core'
import { BusError, checkOptions, compileEventFilter, describeValue, type EventFilter, type EventTest } from '../../core/index'
import { natsError } from './errors'
import { encodeToken } from './subject'

/** The options of {@link bridgeNats}. */
export interface NatsBridgeOptions {
  /** The NATS server's WebSocket URL(s): `wss://nats.example.com` (`ws://` on a local network). */
  readonly servers: string | readonly string[]
  /**
   * The subject tokens every subject of this bus starts with; default `crossbus.<bus name>`. Buses
   * bridged with the same prefix share events across devices.
   */
  readonly subjectPrefix?: string
  /** Which events of the origin are published to NATS; default all of them (`[{}]`), `[]` none. */
  readonly export?: readonly EventFilter[]
  /** Which events from NATS are brought into the bus; default all of them (`[{}]`), `[]` none. */
  readonly import?: readonly EventFilter[]
  /**
   * How many exported events may wait while NATS is unreachable; past it, events are not exported
   * and `NATS_QUEUE_FULL` is reported. Also the window each standby context keeps for a handover.
   * Default 1000.
   */
  readonly maxQueuedEvents?: number
  /** Messages from NATS larger than this many bytes are dropped (`NATS_MESSAGE_TOO_LARGE`). Default 1 MiB. */
  readonly maxMessageBytes?: number
  /** Reconnect backoff: the first retry after `initialDelayMs`, each wait as long as the outage so far, at most `maxDelayMs`. Defaults 250 and 8000. */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number }
  /** The client name the server's monitoring shows. */
  readonly name?: string
  /** User and password, when the server asks for them. */
  readonly user?: string
  readonly pass?: string
  /** A server token, when the server asks for one. */
  readonly token?: string
  /** Any NATS authenticator: `jwtAuthenticator`, `nkeyAuthenticator`, `credsAuthenticator` of `@nats-io/nats-core`. */
  readonly authenticator?: Authenticator | readonly Authenticator[]
  /**
   * Durable mode: events go through this JetStream stream, and each device reads it with a durable
   * consumer, so a device that was away gets what it missed (see the guide). Needs a server with
   * JetStream and `@nats-io/jetstream` (an optional peer, loaded only then).
   */
  readonly jetstream?: NatsJetStreamOptions
}

/** The stream of {@link NatsBridgeOptions.jetstream}; the limits apply when the bridge creates it. */
export interface NatsJetStreamOptions {
  /** The stream's name, e.g. `'CROSSBUS'`: created on `<subjectPrefix>.>` if missing and allowed. */
  readonly stream: string
  /** How long the stream keeps an event: a device away longer misses it. Default 7 days. */
  readonly maxAgeMs?: number
  /** How many events the stream keeps, the oldest discarded first. Default 100,000. */
  readonly maxMessages?: number
  /** How long the server remembers an event's id to drop a second copy. Default 2 minutes. */
  readonly duplicateWindowMs?: number
  /** The durable consumer's name; default one per browser profile, kept in IndexedDB. */
  readonly consumer?: string
}

const KNOWN = ['servers', 'subjectPrefix', 'export', 'import', 'maxQueuedEvents', 'maxMessageBytes', 'retry', 'name', 'user', 'pass', 'token', 'authenticator', 'jetstream'] as const

export interface ResolvedNatsOptions {
  readonly servers: string[]
  readonly prefix: string
  readonly exportable: EventTest
  readonly importable: EventTest
  readonly imports: readonly EventFilter[]
  readonly maxQueuedEvents: number
  readonly maxMessageBytes: number
  readonly initialDelayMs: number
  readonly maxDelayMs: number
  readonly auth: Pick<NatsBridgeOptions, 'name' | 'user' | 'pass' | 'token' | 'authenticator'>
  readonly jetstream: Required<Omit<NatsJetStreamOptions, 'consumer'>> & Pick<NatsJetStreamOptions, 'consumer'> | undefined
}

// A JetStream name: no whitespace, `.`, `*`, `>`, path separators.
const JS_NAME = /^[^\s.*>/\\]{1,64}$/

const PREFIX_TOKEN = /^[^\s.*>]+$/

/** Checks every option now, so a typo fails at `bridgeNats` (`NATS_INVALID`), not at the first event. */
export function resolveOptions(options: NatsBridgeOptions, busName: string): ResolvedNatsOptions {
  try {
    return resolve(options, busName)
  } catch (error) {
    // The kit's checks throw core codes; this module's table says NATS_INVALID for all of them.
    if (error instanceof BusError && error.code !== 'NATS_INVALID') throw natsError('NATS_INVALID', error.message, error)
    throw error
  }
}

function resolve(options: NatsBridgeOptions, busName: string): ResolvedNatsOptions {
  checkOptions(options, KNOWN, 'bridgeNats')
  const invalid = (why: string) => natsError('NATS_INVALID', `bridgeNats: ${why}.`)
  const servers = typeof options.servers === 'string' ? [options.servers] : options.servers
  if (!Array.isArray(servers) || servers.length === 0 || !servers.every((url) => typeof url === 'string' && /^wss?:\/\/./.test(url))) {
    throw invalid('`servers` must be a ws:// or wss:// URL or a non-empty list of them, e.g. "wss://nats.example.com"')
  }
  const prefix = options.subjectPrefix ?? `crossbus.${encodeToken(busName)}`
  if (typeof prefix !== 'string' || !prefix.split('.').every((token) => PREFIX_TOKEN.test(token))) {
    throw invalid(`\`subjectPrefix\` must be "."-separated NATS subject tokens without wildcards or whitespace, got ${JSON.stringify(prefix)}`)
  }
  const filters = (value: unknown, what: string): readonly EventFilter[] => {
    if (value === undefined) return [{}]
    if (!Array.isArray(value)) throw invalid(`\`${what}\` must be an array of { system?, kind? }, got ${describeValue(value)}`)
    return value as readonly EventFilter[]
  }
  const count = (value: unknown, fallback: number, what: string): number => {
    if (value === undefined) return fallback
    if (!Number.isSafeInteger(value) || (value as number) < 1) throw invalid(`\`${what}\` must be a positive integer, got ${String(value)}`)
    return value as number
  }
  const retry = options.retry ?? {}
  checkOptions(retry, ['initialDelayMs', 'maxDelayMs'], 'bridgeNats retry')
  const initialDelayMs = count(retry.initialDelayMs, 250, 'retry.initialDelayMs')
  const maxDelayMs = count(retry.maxDelayMs, Math.max(8000, initialDelayMs), 'retry.maxDelayMs')
  if (maxDelayMs < initialDelayMs) throw invalid('`retry.maxDelayMs` must be at least `retry.initialDelayMs`')
  const exports = filters(options.export, 'export')
  const imports = filters(options.import, 'import')
  return {
    servers: [...servers],
    prefix,
    exportable: compileEventFilter(exports, 'bridgeNats: export'),
    importable: compileEventFilter(imports, 'bridgeNats: import'),
    imports,
    maxQueuedEvents: count(options.maxQueuedEvents, 1000, 'maxQueuedEvents'),
    maxMessageBytes: count(options.maxMessageBytes, 1024 * 1024, 'maxMessageBytes'),
    initialDelayMs,
    maxDelayMs,
    jetstream: options.jetstream === undefined ? undefined : resolveJetStream(options.jetstream, count, invalid),
    auth: { name: options.name, user: options.user, pass: options.pass, token: options.token, authenticator: options.authenticator },
  }
}

function resolveJetStream(js: NatsJetStreamOptions, count: (value: unknown, fallback: number, what: string) => number, invalid: (why: string) => BusError): ResolvedNatsOptions['jetstream'] {
  checkOptions(js, ['stream', 'maxAgeMs', 'maxMessages', 'duplicateWindowMs', 'consumer'], 'bridgeNats jetstream')
  for (const what of ['stream', 'consumer'] as const) {
    const name = js[what]
    if ((what === 'stream' || name !== undefined) && (typeof name !== 'string' || !JS_NAME.test(name))) {
      throw invalid(`\`jetstream.${what}\` must be a JetStream name (1 to 64 characters, no whitespace, ".", "*", ">" or slashes), got ${describeValue(name)}`)
    }
  }
  return {
    stream: js.stream,
    maxAgeMs: count(js.maxAgeMs, 7 * 24 * 3600_000, 'jetstream.maxAgeMs'),
    maxMessages: count(js.maxMessages, 100_000, 'jetstream.maxMessages'),
    duplicateWindowMs: count(js.duplicateWindowMs, 120_000, 'jetstream.duplicateWindowMs'),
    consumer: js.consumer,
  }
}
