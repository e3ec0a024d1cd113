import { BehaviorSubject, type Observable } from 'rxjs'
import { BusError, identityOf, type AnyEventMap, type Bus, type BusEvent, type BusPlugin, type EventMap, type PluginHooks, type PluginHost, type Provenance } from '../../core/index'
import { AckChannel } from './ack-channel'
import type { NatsStatus } from './connection'
import { natsError } from './errors'
import { ExportLog } from './export-log'
import { compileFilters } from './filter'
import { resolveOptions, type NatsBridgeOptions, type ResolvedNatsOptions } from './options'
import { RecentMap, RecentSet } from './recent'
import { coveringSubjects, subscriptionSubject } from './subject'
import { natsAckChannelName } from '../../shared/names'

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
   * Events the bus already had, or sent itself, by identity (CloudEvents `source` + `id`): a
   * redelivery, an echo of what this origin exported, or a copy someone published again. Not
   * delivered, not reported: a repeat is expected on a broker, and harmless.
   */
  readonly duplicates: number
  /**
   * Messages refused: malformed or too large, or events the bus refused (its policy, a plugin's
   * check). Each one is also counted in `bus.stats().dropped` and reported on `bus.errors$`.
   */
  readonly dropped: number
}

/** What {@link bridgeNats} returns. */
export interface NatsBridge {
  /** `connecting`, `connected`, `reconnecting`, then `closed`; the current value first. */
  readonly status$: Observable<NatsStatus>
  /** What this context imported from NATS, and what it did not deliver; see {@link NatsBridgeStats}. */
  stats(): NatsBridgeStats
  /** Hands NATS what this context still holds, closes the connection and detaches the bridge. */
  close(): Promise<void>
}

/**
 * Bridges a bus to NATS over WebSocket, so its events cross devices and users: exported events
 * are published as CloudEvents on `<subjectPrefix>.<system>.:.<kind>`, and imported messages
 * become bus events that keep their identity, delivered once in every context of the origin.
 *
 * Run it in every tab that may bridge: one of them (the leader) imports and exports; the others
 * hold a standby connection and take over, without losing or repeating events, when it goes.
 * Needs `@nats-io/nats-core` (an optional peer dependency, loaded when the bridge starts).
 *
 * @example
 * import { createBus } from 'crossbus'
 * import { bridgeNats } from 'crossbus/nats'
 *
 * const bus = createBus({ name: 'shop' })
 * const bridge = bridgeNats(bus, {
 *   servers: 'wss://nats.example.com',
 *   export: [{ system: 'orders.**' }],
 *   import: [{ system: 'orders.**' }, { system: 'support', kind: 'ticket.*' }],
 * })
 * bridge.status$.subscribe((status) => console.log('nats', status))
 * bus.errors$.subscribe((error) => console.warn(error.code, error.message))
 */
export function bridgeNats<E extends EventMap = AnyEventMap>(bus: Bus<E>, options: NatsBridgeOptions): NatsBridge {
  const resolved = resolveOptions(options, bus.name)
  const status = new BehaviorSubject<NatsStatus>('connecting')
  const counts: Counts = { imported: 0, duplicates: 0, dropped: 0 }
  const attached = bus.use(natsPlugin(resolved, status, counts))
  return { status$: status.asObservable(), stats: () => ({ ...counts }), close: () => attached.detach() }
}

type Counts = { -readonly [K in keyof NatsBridgeStats]: number }

function natsPlugin(options: ResolvedNatsOptions, status: BehaviorSubject<NatsStatus>, counts: Counts): BusPlugin {
  const exportable = compileFilters(options.exports, 'export')
  const importable = compileFilters(options.imports, 'import')
  const subjects = coveringSubjects(options.prefix, options.imports.map((filter) => subscriptionSubject(options.prefix, filter.system, filter.kind)))
  return { name: NATS_PLUGIN_NAME, setup: (host) => new BridgeContext(host, options, exportable, importable, subjects, status, counts).hooks() }
}

type Matcher = (event: Pick<BusEvent, 'system' | 'kind'>) => boolean

/** The bridge in one context of the origin: leading, or standing by to take over. */
class BridgeContext {
  private readonly log: ExportLog
  /** NATS messages a standby context got that have not reached its bus yet, by identity. */
  private readonly standby: RecentMap<BusEvent>
  /** Identities of the events that reached this bus lately, whichever way, while standing by. */
  private readonly seenHere: RecentSet
  /**
   * Identities the leader confirmed on the server, possibly before sync brought the event here:
   * kept out of the standby log. Forgotten on taking over, so no ack (a forged one may name events
   * not sent yet) ever keeps the leader from exporting.
   */
  private readonly acked: RecentSet
  private readonly acks: AckChannel
  /** The connection and the codec, loaded on demand with the NATS client. */
  private codec: import('./message').MessageCodec | undefined
  private link: import('./connection').NatsLink | undefined
  /** Whether a publish of what the log holds is queued for the end of this task. */
  private publishQueued = false
  private closing = false
  private readonly leadership: { unsubscribe(): void }
  private leading = false
  /** Counts connection outages, so a round trip begun before one confirms nothing after it. */
  private epoch = 0
  private confirmingEpoch: number | undefined
  private fullReported = false

  constructor(
    private readonly host: PluginHost,
    private readonly options: ResolvedNatsOptions,
    private readonly exportable: Matcher,
    private readonly importable: Matcher,
    subjects: readonly string[],
    private readonly status: BehaviorSubject<NatsStatus>,
    private readonly counts: Counts,
  ) {
    const bound = options.queueBound
    this.log = new ExportLog(bound)
    this.standby = new RecentMap(bound)
    this.seenHere = new RecentSet(Math.max(4 * bound, 4096))
    this.acked = new RecentSet(Math.max(4 * bound, 4096))
    // Heard only while standing by, and only from the leader (see AckChannel): the leader itself
    // never takes the channel's word that the server has an event.
    this.acks = new AckChannel(natsAckChannelName(host.name, options.prefix), host.origin, (keys) => {
      this.log.confirm(keys)
      for (const key of keys) this.acked.add(key)
    })
    this.leadership = host.leads(`nats:${options.prefix}`).subscribe((leading) => {
      this.leading = leading
      if (leading) {
        this.acks.lead()
        this.takeOver()
      } else {
        this.acks.follow()
      }
    })
    void this.start(subjects)
  }

  private async start(subjects: readonly string[]): Promise<void> {
    let runtime: typeof import('./runtime')
    try {
      runtime = await import('./runtime')
    } catch (cause) {
      this.host.report(natsError('NATS_UNAVAILABLE', `The NATS bridge could not load its connection code: ${errorMessage(cause)}.`, cause))
      this.statusChanged('closed')
      return
    }
    if (this.closing) return
    this.codec = new runtime.MessageCodec(this.options.prefix, this.options.maxMessageBytes)
    this.link = new runtime.NatsLink(this.options, subjects, {
      message: (subject, payload) => this.received(subject, payload),
      status: (next) => this.statusChanged(next),
      failed: (error) => this.host.report(error),
    })
    await this.link.open()
  }

  hooks(): PluginHooks {
    return {
      event: (event, provenance) => this.observed(event, provenance),
      close: () => this.close(),
    }
  }

  /**
   * Every event that reaches this context: exported unless NATS brought it, and, standing by,
   * remembered. The leader remembers nothing here: it reads neither what a standby context holds
   * (it took that over) nor what it has seen (its bus refuses a second copy by identity).
   */
  private observed(event: BusEvent, provenance: Provenance): void {
    // Never back to NATS what came from it: that is what keeps two bridged browsers from looping.
    const exported = provenance.bridge !== NATS_PLUGIN_NAME && this.exportable(event)
    if (!this.leading) {
      const key = identityOf(event)
      this.seenHere.add(key)
      this.standby.delete(key)
      // An ack cannot come before an event sent here was: one that did is forged, so it is not heard.
      if (exported && (provenance.arrival === 'sent' || !this.acked.has(key))) this.log.keep(key, event)
      return
    }
    if (!exported) return
    const key = identityOf(event)
    if (!this.log.offer(key, event)) {
      // The bound is for a connection that cannot take events: a burst longer than it, sent in
      // one task while connected, goes out now instead of at the end of the task.
      this.publishWaiting()
      if (!this.log.offer(key, event)) {
        this.queueFull()
        return
      }
    }
    this.queuePublish()
  }

  /**
   * Publishes what the task exported at its end, in one pass: a burst of sends costs one walk of
   * the log and one round trip at a time, not one of each per event. The client writes the socket
   * at the end of the task too, so nothing waits longer for it.
   */
  private queuePublish(): void {
    if (this.publishQueued) return
    this.publishQueued = true
    queueMicrotask(() => {
      this.publishQueued = false
      if (!this.closing) this.publishWaiting()
    })
  }

  private received(subject: string, payload: Uint8Array): void {
    if (this.host.closed || !this.codec) return
    let event: BusEvent
    try {
      event = this.codec.decode(subject, payload)
    } catch (error) {
      // The leader counts and reports; a standby context would only say it again.
      if (this.leading) this.dropped(asBusError(error, subject))
      return
    }
    if (!this.importable(event)) return
    if (this.leading) {
      this.admit(event)
      return
    }
    const key = identityOf(event)
    if (!this.seenHere.has(key)) this.standby.set(key, event)
  }

  /**
   * Injects an imported event: checked like a send (names, policy, plugins), refused ones dropped.
   * One the bus already has (by identity, or sent by this context) is a duplicate: counted, not
   * reported, since brokers redeliver and a remote client may publish anything it read.
   */
  private admit(event: BusEvent): void {
    let injected: boolean
    try {
      injected = this.host.inject(event)
    } catch (error) {
      this.dropped(asBusError(error, `${event.system} ${event.kind}`))
      return
    }
    if (injected) this.counts.imported++
    else this.counts.duplicates++
  }

  private dropped(error: BusError): void {
    this.counts.dropped++
    this.host.drop(error)
  }

  /**
   * This context leads now: what it received standing by and its bus has not seen goes in (the
   * bus refuses a second copy by identity), and what no one confirmed on the server goes out.
   */
  private takeOver(): void {
    this.acked.clear()
    for (const event of this.standby.take()) this.admit(event)
    this.publishWaiting()
  }

  private statusChanged(next: NatsStatus): void {
    if (this.status.value === next) return
    if (next === 'reconnecting') {
      this.epoch++
      this.log.republishUnconfirmed()
    }
    if (!this.status.closed) this.status.next(next)
    if (next === 'connected') this.publishWaiting()
  }

  private publishWaiting(): void {
    const { link, codec } = this
    if (!this.leading || !link?.connected || !codec) return
    for (const [key, event] of this.log.takeUnpublished()) {
      try {
        const message = codec.encode(event)
        link.publish(message.subject, message.payload)
      } catch (error) {
        if (!link.connected) {
          // The connection went while publishing: everything unconfirmed goes again on reconnect.
          this.log.republishUnconfirmed()
          return
        }
        this.log.remove(key)
        this.host.report(error instanceof BusError && error.code === 'NATS_EXPORT_FAILED' ? error : natsError('NATS_EXPORT_FAILED', `The event "${event.id}" (${event.system} ${event.kind}) was not published to NATS: ${errorMessage(error)}.`, error))
      }
    }
    if (this.log.waiting < this.options.queueBound) this.fullReported = false
    this.confirm()
  }

  /** One round trip at a time: what was published before it is on the server when it returns. */
  private confirm(): void {
    const link = this.link
    if (this.confirmingEpoch === this.epoch || !link) return
    const keys = this.log.unconfirmed()
    if (keys.length === 0) return
    const epoch = (this.confirmingEpoch = this.epoch)
    link.roundTrip().then(
      () => {
        if (epoch !== this.epoch) return
        this.log.confirm(keys)
        this.acks.post(keys)
      },
      () => {},
    ).finally(() => {
      if (this.confirmingEpoch !== epoch) return
      this.confirmingEpoch = undefined
      if (link.connected) this.confirm()
    })
  }

  private queueFull(): void {
    if (this.fullReported) return
    this.fullReported = true
    const bound = this.options.queueBound
    this.host.report(natsError('NATS_QUEUE_FULL', `${bound} exported events already wait for NATS (${this.status.value}): events sent from now on are not exported until they go out. Raise queueBound to keep more.`))
  }

  private async close(): Promise<void> {
    // What this task exported goes out before the connection drains.
    if (this.publishQueued) this.publishWaiting()
    this.closing = true
    const published = this.log.unconfirmed()
    const drained = this.link ? await this.link.close() : false
    this.statusChanged('closed')
    // The server has all of it: say so before leaving, so whoever leads next does not publish it again.
    if (drained && this.leading) this.acks.post(published)
    this.leadership.unsubscribe()
    this.acks.close()
    this.status.complete()
  }
}

function asBusError(error: unknown, what: string): BusError {
  return error instanceof BusError ? error : natsError('NATS_MALFORMED_MESSAGE', `A NATS message (${what}) was dropped: ${errorMessage(error)}.`, error)
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
