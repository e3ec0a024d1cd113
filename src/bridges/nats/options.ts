import type { Authenticator } from '@nats-io/nats-core'
import { busError, checkOptions, describeValue } from '../../core/index'
import type { NatsFilter } from './filter'
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
  readonly export?: readonly NatsFilter[]
  /** Which events from NATS are brought into the bus; default all of them (`[{}]`), `[]` none. */
  readonly import?: readonly NatsFilter[]
  /**
   * How many exported events may wait while NATS is unreachable; past it, events are not exported
   * and `NATS_QUEUE_FULL` is reported. Also the window each standby context keeps for a handover.
   * Default 1000.
   */
  readonly queueBound?: number
  /** Messages from NATS larger than this many bytes are dropped (`NATS_MESSAGE_TOO_LARGE`). Default 1 MiB. */
  readonly maxMessageBytes?: number
  /** Reconnect backoff: the first retry after `minDelayMs`, each wait as long as the outage so far, at most `maxDelayMs`. Defaults 250 and 8000. */
  readonly reconnect?: { readonly minDelayMs?: number; readonly maxDelayMs?: number }
  /** The client name the server's monitoring shows. */
  readonly name?: string
  /** User and password, when the server asks for them. */
  readonly user?: string
  readonly pass?: string
  /** A server token, when the server asks for one. */
  readonly token?: string
  /** Any NATS authenticator: `jwtAuthenticator`, `nkeyAuthenticator`, `credsAuthenticator` of `@nats-io/nats-core`. */
  readonly authenticator?: Authenticator | readonly Authenticator[]
}

const KNOWN = ['servers', 'subjectPrefix', 'export', 'import', 'queueBound', 'maxMessageBytes', 'reconnect', 'name', 'user', 'pass', 'token', 'authenticator'] as const

export interface ResolvedNatsOptions {
  readonly servers: string[]
  readonly prefix: string
  readonly exports: readonly NatsFilter[]
  readonly imports: readonly NatsFilter[]
  readonly queueBound: number
  readonly maxMessageBytes: number
  readonly minDelayMs: number
  readonly maxDelayMs: number
  readonly auth: Pick<NatsBridgeOptions, 'name' | 'user' | 'pass' | 'token' | 'authenticator'>
}

const PREFIX_TOKEN = /^[^\s.*>]+$/

/** Checks every option now, so a typo fails at `bridgeNats`, not at the first event. */
export function resolveOptions(options: NatsBridgeOptions, busName: string): ResolvedNatsOptions {
  checkOptions(options, KNOWN, 'bridgeNats')
  const invalid = (why: string) => busError('INVALID_ARGUMENT', `bridgeNats: ${why}.`)
  const servers = typeof options.servers === 'string' ? [options.servers] : options.servers
  if (!Array.isArray(servers) || servers.length === 0 || !servers.every((url) => typeof url === 'string' && /^wss?:\/\/./.test(url))) {
    throw invalid('`servers` must be a ws:// or wss:// URL or a non-empty list of them, e.g. "wss://nats.example.com"')
  }
  const prefix = options.subjectPrefix ?? `crossbus.${encodeToken(busName)}`
  if (typeof prefix !== 'string' || !prefix.split('.').every((token) => PREFIX_TOKEN.test(token))) {
    throw invalid(`\`subjectPrefix\` must be "."-separated NATS subject tokens without wildcards or whitespace, got ${JSON.stringify(prefix)}`)
  }
  const filters = (value: unknown, what: string): readonly NatsFilter[] => {
    if (value === undefined) return [{}]
    if (!Array.isArray(value)) throw invalid(`\`${what}\` must be an array of { system?, kind? }, got ${describeValue(value)}`)
    for (const filter of value) checkOptions(filter, ['system', 'kind'], `bridgeNats ${what}`)
    return value as readonly NatsFilter[]
  }
  const count = (value: unknown, fallback: number, what: string): number => {
    if (value === undefined) return fallback
    if (!Number.isSafeInteger(value) || (value as number) < 1) throw invalid(`\`${what}\` must be a positive integer, got ${String(value)}`)
    return value as number
  }
  const reconnect = options.reconnect ?? {}
  checkOptions(reconnect, ['minDelayMs', 'maxDelayMs'], 'bridgeNats reconnect')
  const minDelayMs = count(reconnect.minDelayMs, 250, 'reconnect.minDelayMs')
  const maxDelayMs = count(reconnect.maxDelayMs, Math.max(8000, minDelayMs), 'reconnect.maxDelayMs')
  if (maxDelayMs < minDelayMs) throw invalid('`reconnect.maxDelayMs` must be at least `reconnect.minDelayMs`')
  return {
    servers: [...servers],
    prefix,
    exports: filters(options.export, 'export'),
    imports: filters(options.import, 'import'),
    queueBound: count(options.queueBound, 1000, 'queueBound'),
    maxMessageBytes: count(options.maxMessageBytes, 1024 * 1024, 'maxMessageBytes'),
    minDelayMs,
    maxDelayMs,
    auth: { name: options.name, user: options.user, pass: options.pass, token: options.token, authenticator: options.authenticator },
  }
}
