import type { PluginHost } from '../../core/index'
import type { NatsConnectionState } from './connection'
import type { IdentityLedger } from './identity-ledger'
import type { ResolvedNatsOptions } from './options'

/** The plugin name, and so the `bridge` of the provenance of every event it brings in. */
export const NATS_PLUGIN_NAME = 'nats'

/**
 * What this context's bridge did with the messages it took from NATS. Only the leading context
 * imports, so a standby tab counts nothing until it takes over.
 */
export interface NatsBridgeStats {
  /** Events brought into the bus: delivered here and in every context of the origin. */
  readonly imported: number
  /**
   * Second copies of events the bus already had, or sent itself, with the same content: a
   * redelivery, an echo of what this origin exported, a copy someone published again. Not
   * delivered, not reported: a repeat is expected on a broker, and harmless.
   */
  readonly duplicates: number
  /**
   * Messages refused as `NATS_IDENTITY_CONFLICT`: an identity known here with other content, an
   * event a context of this origin never sent, or one older than the bridge still remembers.
   * Each is also counted in `bus.stats().dropped` and reported on `bus.errors$`.
   */
  readonly conflicts: number
  /**
   * Messages refused: malformed or too large, or events the bus refused (its policy, a plugin's
   * check). Each one is also counted in `bus.stats().dropped` and reported on `bus.errors$`.
   */
  readonly dropped: number
  /** Times this bridge found messages missing (`NATS_EVENTS_MISSED`, also in `bus.stats().gaps`). */
  readonly gaps: number
  /** How many messages those gaps held: published by another bridge, never received here. */
  readonly missed: number
}

export type Counts = { -readonly [K in keyof NatsBridgeStats]: number }

/** The connection and what reads and writes its messages. */
export interface Runtime {
  readonly link: import('./connection').NatsLink
  readonly codec: import('./message').MessageCodec
  readonly seqs: import('./publish-seq').PublishSeqs
  readonly gaps: import('./publish-seq').GapTracker
  readonly fingerprintOf: (payload: Uint8Array) => number
  readonly stampOf: (payload: Uint8Array) => string | undefined
  /** Whether exports can go out now: connected, and in JetStream mode the stream checked. */
  canPublish(): boolean
  /** Publishes an exported event (`key` is its identity): to the subject, or to the JetStream stream. */
  publish(subject: string, payload: Uint8Array, key: string): void
  /** Resolves once the server has everything published so far (stored, in JetStream mode). */
  roundTrip(): Promise<void>
  /** Whether messages carry the publisher's number (core mode, which reports gaps by it). */
  readonly stamped: boolean
}

/** What the exporter and the importer of one context share. */
export interface BridgeState {
  readonly host: PluginHost
  readonly options: ResolvedNatsOptions
  readonly ledger: IdentityLedger
  readonly counts: Counts
  readonly leading: boolean
  readonly state: NatsConnectionState
  readonly runtime: Runtime
}
