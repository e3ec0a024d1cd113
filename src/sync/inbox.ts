import type { BusEvent, PluginHost } from '../core/index'
import { Delivered } from './delivered'
import type { Incoming } from './envelope'
import { syncError } from './errors'
import { OriginTracker, type Verdict } from './ordering'

type EventsMessage = Extract<Incoming, { type: 'events' }>
type InjectedMessage = Extract<Incoming, { type: 'injected' }>

/**
 * What one bus instance does with the events other contexts post, once their envelope passed its
 * checks: each event delivered once and in per-origin order, lost ones reported as a gap, and
 * implausible ones (a forged seq, a replay of what was delivered long ago) dropped and reported.
 * A second event with the identity of one delivered is dropped quietly when it is the same event
 * (fallback transports may deliver twice) and reported as a conflict when it is not.
 */
export class Inbox {
  private readonly tracker = new OriginTracker()
  private readonly delivered = new Delivered()

  constructor(
    private readonly host: PluginHost,
    /** `false` once the plugin closed, also in the middle of a message (a handler may close the bus). */
    private readonly open: () => boolean,
  ) {}

  /** The origin announced itself (`hello`, `here`): when too many send, it wins a slot. */
  announced(origin: string): void {
    this.tracker.announce(origin)
  }

  events(message: EventsMessage): void {
    // One clock reading per message: the tracker needs it per event only to judge activity.
    const now = Date.now()
    // Made on the first refusal: a message delivered whole allocates nothing for them.
    let refusals: Refusals | undefined
    const base = Delivered.base(message.from)
    for (let i = 0; i < message.events.length; i++) {
      if (!this.open()) return
      const event = message.events[i]!
      const bytes = message.sizes[i]!
      const verdict = this.tracker.admit(event.origin, event.seq, event.time, now, message.first)
      if (!verdict.deliver) {
        // Only a duplicate can conflict: a refused event was never delivered.
        const conflict = verdict.refused === undefined && this.delivered.conflicts(base, event.origin, event.seq, event.time, bytes)
        ;(refusals ??= new Refusals(message.from)).add(event, verdict, conflict)
        continue
      }
      if (verdict.missed > 0) {
        this.host.missed(
          syncError('SYNC_EVENTS_MISSED', `${verdict.missed} event(s) from bus instance ${event.origin} never arrived (seq ${event.seq - verdict.missed} to ${event.seq - 1}); later events are delivered.`),
        )
      }
      this.delivered.remember(base, event.origin, event.seq, event.time, bytes)
      this.host.receive(event, message.from)
    }
    if (refusals !== undefined) for (const error of refusals.errors()) this.host.drop(error)
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
    this.delivered.clear()
  }
}

/** The events of one message refused, said as one drop per reason: which origin, how many, why. */
class Refusals {
  private implausible = 0
  private why = ''
  private tooMany = 0
  private tooManyFirst = 0
  private readonly conflicts: number[] = []

  constructor(private readonly from: string) {}

  add(event: BusEvent, verdict: Verdict, conflict: boolean): void {
    if (conflict) this.conflicts.push(event.seq)
    else if (verdict.deliver || verdict.refused === undefined) return
    else if (verdict.tooMany) {
      if (this.tooMany++ === 0) this.tooManyFirst = event.seq
      this.why = verdict.refused
    } else if (this.implausible++ === 0) {
      this.why = `event ${event.seq}: ${verdict.refused}`
    }
  }

  errors(): ReturnType<typeof syncError>[] {
    const errors: ReturnType<typeof syncError>[] = []
    if (this.implausible > 0) {
      errors.push(syncError('SYNC_MALFORMED_MESSAGE', `Dropped ${this.implausible} event(s) from bus instance ${this.from} (${this.why}); they reached no subscriber.`))
    }
    if (this.tooMany > 0) {
      errors.push(syncError('SYNC_TOO_MANY_PEERS', `Dropped ${this.tooMany} event(s) from bus instance ${this.from} (seq ${this.tooManyFirst} first): ${this.why}. They reached no subscriber.`))
    }
    if (this.conflicts.length > 0) {
      const seqs = this.conflicts.length === 1 ? `seq ${this.conflicts[0]}` : `seqs ${this.conflicts[0]} to ${this.conflicts.at(-1)}`
      errors.push(
        syncError(
          'SYNC_EVENT_CONFLICT',
          `Dropped ${this.conflicts.length} event(s) from bus instance ${this.from} (${seqs}): an event with the same origin and seq but other content was delivered first. Some script of the origin posts in that instance's name; no context can tell which one was real.`,
        ),
      )
    }
    return errors
  }
}
