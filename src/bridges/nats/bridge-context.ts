import type { BehaviorSubject } from 'rxjs'
import type { BusError, BusEvent, PluginHost, Provenance } from '../../core/index'
import type { NatsStatus } from './bridge'
import type { BridgeState, Counts, Runtime } from './bridge-state'
import { NatsLink, type NatsConnectionState } from './connection'
import { natsError } from './errors'
import { DurableMode } from './durable-mode'
import { Exporter } from './exporter'
import { IdentityLedger } from './identity-ledger'
import { Importer } from './importer'
import { fingerprintOf, MessageCodec, stampOf } from './message'
import type { ResolvedNatsOptions } from './options'
import { GapTracker, PublishSeqs } from './publish-seq'
import { coveringSubjects, subscriptionSubject } from './subject'

/** How a context tells its handle where it stands: the status, and `ready` once settled. */
export interface HandleState {
  readonly status: BehaviorSubject<NatsStatus>
  readonly counts: Counts
  /** The bus's `flush()`: JetStream mode acks a message once it resolves. */
  readonly flush: () => Promise<void>
  ready(): void
  failed(error: BusError): void
}

/**
 * The bridge in one context of the origin: leading, or standing by to take over. Loaded on demand
 * with the connection (see `runtime.ts`), so importing `crossbus/nats` costs only the plugin shell.
 */
export class BridgeContext implements BridgeState {
  readonly ledger: IdentityLedger
  leading = false
  state: NatsConnectionState = 'connecting'
  readonly runtime: Runtime
  private server: string | undefined
  /** JetStream mode's half, when the `jetstream` option is set. */
  private readonly durable: DurableMode | undefined
  private consumer: string | undefined
  private readonly exporter: Exporter
  private readonly importer: Importer
  private readonly leadership: { unsubscribe(): void }
  /** The failure that closed the connection, for `ready` when it never opened. */
  private failure: BusError | undefined

  constructor(
    readonly host: PluginHost,
    readonly options: ResolvedNatsOptions,
    private readonly handle: HandleState,
  ) {
    this.ledger = new IdentityLedger(host.origin)
    const { prefix, imports, maxMessageBytes } = options
    const jetstream = options.jetstream !== undefined
    // In JetStream mode, messages come from the device's durable consumer, not from subscriptions.
    const subjects = jetstream ? [] : coveringSubjects(prefix, imports.map((filter) => subscriptionSubject(prefix, filter.system, filter.kind)))
    const link = new NatsLink(options, subjects, {
      message: (subject, payload) => this.importer.received(subject, payload),
      status: (state, server) => this.connectionChanged(state, server),
      failed: (error) => this.failed(error),
    })
    this.runtime = {
      link,
      codec: new MessageCodec(prefix, maxMessageBytes),
      seqs: new PublishSeqs(host.origin),
      gaps: new GapTracker(),
      fingerprintOf,
      stampOf,
      stamped: !jetstream,
      canPublish: () => link.connected && (!jetstream || this.durable?.open !== undefined),
      publish: (subject, payload, key) => (this.durable?.open ? this.durable.open.publish(subject, payload, key) : link.publish(subject, payload)),
      roundTrip: () => (this.durable?.open ? this.durable.open.confirmed() : link.roundTrip()),
    }
    this.durable = jetstream
      ? new DurableMode({
          link,
          options,
          leading: () => this.leading,
          ready: () => {
            handle.ready()
            this.exporter.publishWaiting()
          },
          failed: (error) => {
            this.failed(error)
            void this.close()
          },
          report: (error) => host.report(error),
          reading: (consumer) => {
            this.consumer = consumer
            this.publishStatus()
          },
          receive: ({ subject, payload }) => this.importer.received(subject, payload),
          flush: handle.flush,
        })
      : undefined
    this.exporter = new Exporter(this)
    this.importer = new Importer(this)
    this.leadership = host.leads(`nats:${options.prefix}`).subscribe((leading) => {
      this.leading = leading
      if (leading) {
        // What it heard standing by and its bus has not seen goes in (the ledger and the bus
        // refuse a second copy), and what no one confirmed on the server goes out.
        this.exporter.lead()
        this.importer.takeOver()
        this.exporter.publishWaiting()
      } else {
        this.exporter.follow()
      }
      this.durable?.follow()
      this.publishStatus()
    })
    void this.runtime.link.open()
  }

  get counts(): Counts {
    return this.handle.counts
  }

  /** Every event that reaches this context, with its provenance. */
  observed(event: BusEvent, provenance: Provenance): void {
    this.importer.observed(event, provenance)
    this.exporter.observed(event, provenance)
  }

  private failed(error: BusError): void {
    this.failure = error
    this.host.report(error)
  }

  private connectionChanged(state: NatsConnectionState, server: string | undefined): void {
    if (this.state === state && this.server === server) return
    if (state === 'reconnecting') this.exporter.connectionLost()
    this.state = state
    this.server = server
    // JetStream mode is ready once its stream is checked (see DurableMode).
    if (state === 'connected' && !this.durable) this.handle.ready()
    if (state !== 'connected') this.consumer = undefined
    if (state === 'closed') this.handle.failed(this.failure ?? natsError('NATS_CONNECTION_CLOSED', 'The NATS bridge closed before it connected.'))
    this.publishStatus()
    if (state === 'connected') {
      this.durable?.connected()
      this.exporter.publishWaiting()
    }
  }

  private publishStatus(): void {
    const { status } = this.handle
    const { state, leading, server, consumer } = this
    const now = status.value
    if (status.closed || (now.state === state && now.leading === leading && now.server === server && now.consumer === consumer)) return
    status.next({ state, leading, ...(server === undefined ? {} : { server }), ...(consumer === undefined ? {} : { consumer }) })
  }

  async close(): Promise<void> {
    if (this.closing) return this.closing
    this.closing = this.closeNow()
    return this.closing
  }

  private closing: Promise<void> | undefined

  private async closeNow(): Promise<void> {
    // What the bus has is acked before the connection drains; what it does not, the server keeps.
    this.durable?.close()
    await this.durable?.settled()
    await this.exporter.close(() => this.runtime.link.close())
    this.connectionChanged('closed', undefined)
    this.leadership.unsubscribe()
    this.handle.status.complete()
  }
}
