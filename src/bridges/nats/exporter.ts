import { BusError, describeError, identityOf, type BusEvent, type Provenance } from '../../core/index'
import { natsAckChannelName } from '../../shared/names'
import { AckChannel } from './ack-channel'
import { NATS_PLUGIN_NAME, type BridgeState } from './bridge-state'
import { natsError } from './errors'
import { ExportLog } from './export-log'
import { RecentSet } from './recent'

/** An exported event, and once published the message it went out as: a republish sends the same bytes, and so the same number. */
interface Outgoing {
  readonly event: BusEvent
  sent?: { readonly subject: string; readonly payload: Uint8Array; readonly stamp: string | undefined }
}

/**
 * The exporting half of one context's bridge: the leader publishes the origin's exported events
 * from its {@link ExportLog}; a standby context keeps the log as a window to publish if it takes over.
 */
export class Exporter {
  private readonly log: ExportLog<Outgoing>
  /**
   * Identities the leader confirmed on the server, possibly before sync brought the event here:
   * kept out of the standby log. Forgotten on taking over, so no ack (a forged one may name events
   * not sent yet) ever keeps the leader from exporting.
   */
  private readonly acked: RecentSet
  private readonly acks: AckChannel
  /** Whether a publish of what the log holds is queued for the end of this task. */
  private publishQueued = false
  private closing = false
  /** Counts connection outages, so a round trip begun before one confirms nothing after it. */
  private epoch = 0
  private confirmingEpoch: number | undefined
  private fullReported = false

  constructor(private readonly bridge: BridgeState) {
    const { host, options } = bridge
    const bound = options.maxQueuedEvents
    this.log = new ExportLog(bound)
    this.acked = new RecentSet(Math.max(4 * bound, 4096))
    // Heard only while standing by, and only from the leader (see AckChannel): the leader itself
    // never takes the channel's word that the server has an event.
    this.acks = new AckChannel(natsAckChannelName(host.name, options.prefix), host.origin, (keys) => {
      this.log.confirm(keys)
      for (const key of keys) this.acked.add(key)
    })
  }

  lead(): void {
    this.acks.lead()
    this.acked.clear()
  }

  follow(): void {
    this.acks.follow()
  }

  /** Every event that reaches this context: exported unless NATS brought it, or kept on standby. */
  observed(event: BusEvent, provenance: Provenance): void {
    // Never back to NATS what came from it: that is what keeps two bridged browsers from looping.
    if (provenance.bridge === NATS_PLUGIN_NAME || !this.bridge.options.exportable(event)) return
    const key = identityOf(event)
    if (!this.bridge.leading) {
      // An ack cannot come before an event sent here was: one that did is forged, so it is not heard.
      if (provenance.arrival === 'sent' || !this.acked.has(key)) this.log.keep(key, { event })
      return
    }
    if (!this.log.offer(key, { event })) {
      // The bound is for a connection that cannot take events: a burst longer than it, sent in
      // one task while connected, goes out now instead of at the end of the task.
      this.publishWaiting()
      if (!this.log.offer(key, { event })) {
        this.queueFull()
        return
      }
    }
    this.queuePublish()
  }

  /** The connection went down: what was published but not confirmed may be lost, so it goes again. */
  connectionLost(): void {
    this.epoch++
    this.log.republishUnconfirmed()
  }

  /**
   * Publishes what the log holds, oldest first, in one pass: a burst of sends costs one walk of the
   * log and one round trip at a time, not one of each per event.
   */
  publishWaiting(): void {
    const runtime = this.bridge.runtime
    if (!this.bridge.leading || !runtime.canPublish()) return
    const { codec, seqs, fingerprintOf, stamped } = runtime
    for (const [key, outgoing] of this.log.takeUnpublished()) {
      try {
        let sent = outgoing.sent
        if (!sent) {
          const message = codec.encode(outgoing.event, stamped ? (subject) => seqs.next(subject) : undefined)
          sent = { subject: message.subject, payload: message.payload, stamp: message.stamp }
        }
        runtime.publish(sent.subject, sent.payload, key)
        if (!outgoing.sent) {
          outgoing.sent = sent
          if (sent.stamp !== undefined) seqs.commit(sent.subject, sent.stamp)
          // A copy of it coming back with other bytes is then told apart as a conflict.
          this.bridge.ledger.remember(outgoing.event, fingerprintOf(sent.payload))
        }
      } catch (error) {
        if (!runtime.canPublish()) {
          // The connection went while publishing: everything unconfirmed goes again on reconnect.
          this.log.republishUnconfirmed()
          return
        }
        this.log.remove(key)
        const { event } = outgoing
        this.bridge.host.report(error instanceof BusError && error.code === 'NATS_EXPORT_FAILED' ? error : natsError('NATS_EXPORT_FAILED', `The event "${event.id}" (${event.system} ${event.kind}) was not published to NATS: ${describeError(error)}.`, error))
      }
    }
    if (this.log.waiting < this.bridge.options.maxQueuedEvents) this.fullReported = false
    this.confirm()
  }

  /** Hands NATS what this task exported, then tells the standby contexts what the server has. */
  async close(closeLink: () => Promise<boolean>): Promise<void> {
    // What this task exported goes out before the connection drains.
    if (this.publishQueued) this.publishWaiting()
    this.closing = true
    const published = this.log.unconfirmed()
    const drained = await closeLink()
    // The server has all of it: say so before leaving, so whoever leads next does not publish it again.
    if (drained && this.bridge.leading) this.acks.post(published)
    this.acks.close()
  }

  /**
   * What the task exported goes out at its end. The client writes the socket at the end of the
   * task too, so nothing waits longer for it.
   */
  private queuePublish(): void {
    if (this.publishQueued) return
    this.publishQueued = true
    queueMicrotask(() => {
      this.publishQueued = false
      if (!this.closing) this.publishWaiting()
    })
  }

  /** One round trip at a time: what was published before it is on the server when it returns. */
  private confirm(): void {
    const runtime = this.bridge.runtime
    if (this.confirmingEpoch === this.epoch) return
    const keys = this.log.unconfirmed()
    if (keys.length === 0) return
    const epoch = (this.confirmingEpoch = this.epoch)
    runtime
      .roundTrip()
      .then(
        () => {
          if (epoch !== this.epoch) return
          this.log.confirm(keys)
          this.acks.post(keys)
        },
        () => {
          // Connected still, the server did not store one (JetStream mode: a timeout, the stream
          // gone): all unconfirmed go again after a pause, the server dropping what it has by id.
          if (epoch !== this.epoch || !runtime.canPublish()) return
          this.connectionLost()
          setTimeout(() => this.closing || this.publishWaiting(), this.bridge.options.initialDelayMs)
        },
      )
      .finally(() => {
        if (this.confirmingEpoch !== epoch) return
        this.confirmingEpoch = undefined
        if (runtime.canPublish()) this.confirm()
      })
  }

  private queueFull(): void {
    if (this.fullReported) return
    this.fullReported = true
    const bound = this.bridge.options.maxQueuedEvents
    this.bridge.host.report(natsError('NATS_QUEUE_FULL', `${bound} exported events already wait for NATS (${this.bridge.state}): events sent from now on are not exported until they go out. Raise maxQueuedEvents to keep more.`))
  }
}
