import { busError, type PluginHost } from '../core/index'
import type { Incoming } from './envelope'
import { OriginTracker } from './ordering'

type EventsMessage = Extract<Incoming, { type: 'events' }>
type InjectedMessage = Extract<Incoming, { type: 'injected' }>

/**
 * What one bus instance does with the events other contexts post, once their envelope passed its
 * checks: each event delivered once and in per-origin order, lost ones reported as a gap, and
 * implausible ones (a forged seq, a replay of what was delivered long ago) dropped and reported.
 */
export class Inbox {
  private readonly tracker = new OriginTracker()

  constructor(
    private readonly host: PluginHost,
    /** `false` once the plugin closed, also in the middle of a message (a handler may close the bus). */
    private readonly open: () => boolean,
  ) {}

  events(message: EventsMessage): void {
    // One clock reading per message: the tracker needs it per event only to judge activity.
    const now = Date.now()
    let refused = 0
    let why = ''
    for (const event of message.events) {
      if (!this.open()) return
      const verdict = this.tracker.admit(event.origin, event.seq, event.time, now, message.first)
      if (!verdict.deliver) {
        if (verdict.refused !== undefined && refused++ === 0) why = `event ${event.seq}: ${verdict.refused}`
        continue
      }
      if (verdict.missed > 0) {
        this.host.missed(
          busError('EVENTS_MISSED', `${verdict.missed} event(s) from bus instance ${event.origin} never arrived (seq ${event.seq - verdict.missed} to ${event.seq - 1}); later events are delivered.`),
        )
      }
      this.host.receive(event, message.from)
    }
    // One drop per message, however many of its events were refused.
    if (refused > 0) this.host.drop(busError('MALFORMED_MESSAGE', `Dropped ${refused} event(s) from bus instance ${message.from} (${why}); they reached no subscriber.`))
  }

  /** Injected events keep the identity a bridge gave them: the bus refuses one it saw already. */
  injected(message: InjectedMessage): void {
    for (const event of message.events) {
      if (!this.open()) return
      this.host.receive(event, message.from, message.bridge)
    }
  }

  /** Forgets every sender (after this context was away, e.g. in the back/forward cache). */
  rejoin(): void {
    this.tracker.forgetAll(Date.now())
  }
}
