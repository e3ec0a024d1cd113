import { BusError, type PluginHost } from '../core/index'
import type { Incoming } from './envelope'
import { syncError } from './errors'
import type { Inbox } from './inbox'
import type { Link } from './link'
import type { Presence } from './presence'
import { throttle } from './throttle'

// However often others ask who is there, or claim this instance left, it answers at most once per
// window (and once more at its end), so one context can't make every other one flood the channel.
const ANSWER_MS = 1_000

/**
 * What one bus instance does with each raw message on its channel: checks it (a refused one is
 * dropped and reported), then hands events to the inbox and presence messages to presence, and
 * answers what asks for an answer.
 */
export class Receiver {
  private readonly answer: ReturnType<typeof throttle>
  private readonly announce: ReturnType<typeof throttle>
  private closed = false
  // The highest seq this instance sent: an event in its name past it is none of its own.
  private lastSent = 0
  // The highest seq of a forgery in its name already reported, so a burst is said once.
  private reportedForgery = 0

  constructor(
    private readonly host: PluginHost,
    private readonly read: (raw: unknown) => Incoming | BusError,
    private readonly inbox: Inbox,
    private readonly presence: Presence,
    link: Link | undefined,
  ) {
    this.answer = throttle(() => link?.here(), ANSWER_MS)
    this.announce = throttle(() => link?.hello(false), ANSWER_MS)
  }

  /** Takes one raw message from the channel. */
  readonly receive = (raw: unknown): void => {
    const message = this.read(raw)
    if (message instanceof BusError) {
      this.host.drop(message)
      return
    }
    if (this.closed) return
    if (message.from === this.host.origin) this.inMyName(message)
    else this.fromOther(message)
  }

  /** This instance posted (or is about to post) its event `seq`. */
  sent(seq: number): void {
    if (seq > this.lastSent) this.lastSent = seq
  }

  close(): void {
    this.closed = true
    this.answer.cancel()
    this.announce.cancel()
  }

  private fromOther(message: Incoming): void {
    switch (message.type) {
      case 'events':
        this.presence.alive(message.from)
        this.inbox.events(message)
        break
      case 'injected':
        this.presence.alive(message.from)
        this.inbox.injected(message)
        break
      case 'hello':
        if (message.ask) this.answer()
        this.inbox.announced(message.from)
        this.presence.seen(message.from, message.kind, message.since)
        break
      case 'here':
        this.inbox.announced(message.from)
        this.presence.seen(message.from, message.kind, message.since)
        break
      case 'bye':
        // The ordering state stays: forgetting the seqs seen from it would let a replay of its
        // messages through again. The inbox prunes it once the instance has been quiet a while.
        this.presence.left(message.from)
        break
    }
  }

  /**
   * A message in this instance's name. Native channels never echo, but fallbacks might: only what
   * this instance cannot have sent is said. A bye is another context's mistake (or forgery): say
   * this instance is here. Events past its last seq are forgeries other contexts may deliver in
   * place of its real ones: this instance is the one context that knows, so it reports them.
   */
  private inMyName(message: Incoming): void {
    if (message.type === 'bye') this.announce()
    if (message.type !== 'events') return
    const last = message.events[message.events.length - 1]!.seq
    if (last <= this.lastSent || last <= this.reportedForgery) return
    this.reportedForgery = last
    const forged = message.events.filter((event) => event.seq > this.lastSent).map((event) => event.seq)
    this.host.report(
      syncError(
        'SYNC_EVENT_CONFLICT',
        `Another context posted ${forged.length} event(s) in this instance's name (seq ${forged[0]}${forged.length > 1 ? ` to ${forged[forged.length - 1]}` : ''}, past its last seq ${this.lastSent}): other contexts may deliver them in place of this instance's own events with those seqs. Some script of the origin posts on the bus channel; no context can tell the real event from the forgery.`,
      ),
    )
  }
}
