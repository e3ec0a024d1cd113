import { BusError, describeError } from '../../core/index'
import { loadDeviceId } from './device-id'
import { DurableLink, type DurableMessage } from './durable-link'
import { natsError } from './errors'
import type { NatsLink } from './connection'
import type { ResolvedNatsOptions } from './options'

// Failed starts of the consumer in a row before one is reported.
const REPORT_AFTER_FAILURES = 3

/** What JetStream mode needs from the bridge of its context. */
export interface DurableHost {
  readonly link: NatsLink
  readonly options: ResolvedNatsOptions
  leading(): boolean
  /** The stream is checked: exports may go out, and `ready` resolves. */
  ready(): void
  /** JetStream mode cannot run here: the bridge reports it and closes. */
  failed(error: BusError): void
  /** Reports a failure that does not stop the bridge. */
  report(error: BusError): void
  /** The consumer this context reads changed (`undefined`: none). */
  reading(consumer: string | undefined): void
  receive(message: DurableMessage): void
  /** Resolves once what the bus was given is delivered and stored (`bus.flush()`). */
  flush(): Promise<void>
}

/**
 * JetStream mode in one context: once connected, the stream is checked and exports go to it;
 * while this context leads, it reads the device's durable consumer, and acks each message once
 * the bus has it (delivered, and stored when the bus has replay). Reading starts again at the
 * consumer's ack floor after every reconnect and every handover, so nothing a gone reader held
 * is skipped or comes late.
 */
export class DurableMode {
  private link: DurableLink | undefined
  private opening: Promise<void> | undefined
  private closed = false
  private acking: Promise<void> = Promise.resolve()
  private readonly deviceId = loadDeviceId()

  constructor(private readonly host: DurableHost) {}

  get open(): DurableLink | undefined {
    return this.link
  }

  /** The connection is up (first time, or again after an outage). */
  connected(): void {
    if (this.link) {
      this.follow()
      return
    }
    this.opening ??= this.start()
  }

  /** Leadership changed, or the connection came back: read if this context leads, else stop. */
  follow(): void {
    const link = this.link
    if (!link || this.closed) return
    if (!this.shouldRead()) {
      link.stopReading()
      this.host.reading(undefined)
      return
    }
    // One start at a time: two at once would remake the consumer under each other.
    this.queue = this.queue.then(() => this.read(link))
  }

  private queue: Promise<void> = Promise.resolve()

  /** Whether this context should read the consumer: leading, connected, open. */
  private shouldRead(): boolean {
    return this.host.leading() && this.host.link.connected && !this.closed
  }

  private async read(link: DurableLink): Promise<void> {
    if (!this.shouldRead()) return
    try {
      await link.read(
        (message) => this.host.receive(message),
        (ack) => this.settle(ack),
        // `bus.flush()` starts every plugin's flush at once: sync posts what it holds now.
        () => void this.host.flush(),
      )
      if (this.shouldRead()) this.host.reading(link.consumer)
      this.failedReads = 0
    } catch (cause) {
      // A reconnect in between makes its own attempt. A server just restarted answers JetStream
      // requests only once it has recovered its streams: try again, with backoff, and say so
      // only when it goes on failing.
      if (!this.shouldRead()) return
      const { initialDelayMs, maxDelayMs } = this.host.options
      if (++this.failedReads === REPORT_AFTER_FAILURES) this.host.report(asError(cause, `The NATS bridge could not read its JetStream consumer "${link.consumer}" (${REPORT_AFTER_FAILURES} tries; it goes on trying)`))
      setTimeout(() => this.follow(), Math.min(maxDelayMs, initialDelayMs * 2 ** this.failedReads))
    }
  }

  private failedReads = 0

  close(): void {
    this.closed = true
    this.link?.stopReading()
  }

  /** Hands back what was read but not acked: on close, the acks of what the bus has go out first. */
  async settled(): Promise<void> {
    await this.acking
  }

  private async start(): Promise<void> {
    const client = this.host.link.client
    if (!client) return
    try {
      const { id } = await this.deviceId
      this.link = await DurableLink.open(client, this.host.options.jetstream!, this.host.options.prefix, id)
    } catch (cause) {
      if (!this.closed) this.host.failed(asError(cause, 'The NATS bridge could not start JetStream mode'))
      return
    }
    if (this.closed) return
    this.host.ready()
    this.follow()
  }

  /** Acks once the bus has what it was given: delivered, and stored when it has replay. */
  private settle(ack: () => void): void {
    this.acking = this.acking.then(() => this.host.flush()).then(ack)
  }
}

function asError(cause: unknown, what: string): BusError {
  if (cause instanceof BusError) return cause
  return natsError('NATS_JETSTREAM_UNAVAILABLE', `${what}: ${describeError(cause)}.`, cause)
}
