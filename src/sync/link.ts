import type { Peer, PluginHost } from '../core/index'
import { ENVELOPE_VERSION, type Envelope } from './envelope'
import { syncError } from './errors'
import type { OpenTransport, Transport } from './transport'

/**
 * One bus instance's end of the channel: opens and closes it, and posts this instance's own
 * messages (its presence and, through the outbox, its events). A failed post is reported, never
 * thrown: the other contexts are a best effort, this context's subscribers already have the event.
 */
export class Link {
  private transport: Transport | undefined

  constructor(
    private readonly host: PluginHost,
    private readonly self: Peer,
    private readonly channelName: string,
    private readonly open: OpenTransport,
  ) {}

  get connected(): boolean {
    return this.transport !== undefined
  }

  /**
   * Opens the channel, handing each raw message to `receive`, and says hello, asking the others
   * to answer: then every context has heard every other announce itself, and announced contexts
   * keep their place when forged senders flood the channel (see origin-table.ts).
   */
  connect(receive: (raw: unknown) => void): void {
    this.transport = this.open(this.channelName, receive)
    this.hello(true)
  }

  /** Says goodbye and releases the channel. */
  disconnect(): void {
    this.bye()
    this.transport?.close()
    this.transport = undefined
  }

  /** Posts one message; throws if it could not be cloned (the outbox handles that). */
  postOrThrow(message: Envelope): void {
    this.transport?.post(message)
  }

  /** `ask`: every instance answer with `here`. */
  hello(ask: boolean): void {
    this.post({ v: ENVELOPE_VERSION, type: 'hello', from: this.self.origin, kind: this.self.kind, since: this.self.since, ask })
  }

  here(): void {
    this.post({ v: ENVELOPE_VERSION, type: 'here', from: this.self.origin, kind: this.self.kind, since: this.self.since })
  }

  bye(): void {
    this.post({ v: ENVELOPE_VERSION, type: 'bye', from: this.self.origin })
  }

  private post(message: Envelope): void {
    if (!this.transport) return
    try {
      this.transport.post(message)
    } catch (cause) {
      this.host.report(syncError('SYNC_POST_FAILED', `Could not post a "${message.type}" message to the other contexts of the bus "${this.host.name}".`, cause))
    }
  }
}
