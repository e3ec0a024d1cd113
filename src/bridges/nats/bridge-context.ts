import type { BehaviorSubject } from 'rxjs'
import type { BusError, BusEvent, PluginHost, Provenance } from '../../core/index'
import type { NatsStatus } from './bridge'
import type { BridgeState, Counts, Runtime } from './bridge-state'
import { NatsLink, type NatsConnectionState } from './connection'
import { natsError } from './errors'
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
    const subjects = coveringSubjects(prefix, imports.map((filter) => subscriptionSubject(prefix, filter.system, filter.kind)))
    this.runtime = {
      link: new NatsLink(options, subjects, {
        message: (subject, payload) => this.importer.received(subject, payload),
        status: (state, server) => this.connectionChanged(state, server),
        failed: (error) => this.failed(error),
      }),
      codec: new MessageCodec(prefix, maxMessageBytes),
      seqs: new PublishSeqs(host.origin),
      gaps: new GapTracker(),
      fingerprintOf,
      stampOf,
    }
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
    if (state === 'connected') this.handle.ready()
    if (state === 'closed') this.handle.failed(this.failure ?? natsError('NATS_CONNECTION_CLOSED', 'The NATS bridge closed before it connected.'))
    this.publishStatus()
    if (state === 'connected') this.exporter.publishWaiting()
  }

  private publishStatus(): void {
    const { status } = this.handle
    const { state, leading, server } = this
    const now = status.value
    if (status.closed || (now.state === state && now.leading === leading && now.server === server)) return
    status.next(server === undefined ? { state, leading } : { state, leading, server })
  }

  async close(): Promise<void> {
    await this.exporter.close(() => this.runtime.link.close())
    this.connectionChanged('closed', undefined)
    this.leadership.unsubscribe()
    this.handle.status.complete()
  }
}
