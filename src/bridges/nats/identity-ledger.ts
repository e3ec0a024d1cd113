import { identityOf, type BusEvent } from '../../core/index'
import { Oldest } from './recent'

/**
 * What the ledger says of an event a NATS message brings:
 * - `new`: not known here; deliver it.
 * - `duplicate`: a second copy (a redelivery, an echo, a copy published again) with the same
 *   content as far as the bridge can compare.
 * - `conflict`: the identity of an event known here, with other content.
 * - `unsent`: an event of a context of this origin with a seq that context has not sent.
 * - `forgotten`: older than what the ledger still holds of its origin; it may be a replay.
 * Only `new` is delivered.
 */
export type Verdict = 'new' | 'duplicate' | 'conflict' | 'unsent' | 'forgotten'

// Identities with their content's fingerprint: well over what a handover or a redelivery repeats.
const RECENT_LIMIT = 16_384
// Origins (contexts) remembered: a flood of made-up ones forgets the oldest, never grows memory.
const ORIGIN_LIMIT = 4096

interface Entry {
  readonly origin: string
  readonly seq: number
  fingerprint: number | undefined
}

/**
 * Every identity that crossed this context's bridge, either way, so a second copy of an event is
 * refused whatever its data, and a copy with other data is told apart as a conflict. Bounded, and
 * honest at its bound: past `RECENT_LIMIT` an origin's forgotten seqs are refused as `forgotten`
 * (reported), never delivered again in silence.
 *
 * The key is an event's origin and seq (its CloudEvents `source` + `id` when no bus sequenced
 * it), so two events claiming one seq of a context are one identity, whatever their systems.
 */
export class IdentityLedger {
  /**
   * The contexts of this origin, with the highest seq each sent that reached this context. Sync
   * delivers a context's events in order, so every seq up to it was sent, and a message from
   * NATS naming a higher one is a forgery.
   */
  private readonly local = new Map<string, number>()
  /** The latest identities from outside and exported from here, oldest first. */
  private readonly recent = new Map<string, Entry>()
  private readonly oldest = new Oldest(() => this.recent.entries())
  /** Per origin from outside: the highest seq `recent` forgot. */
  private readonly floors = new Map<string, number>()

  /** `origin`: this context's, a context of the origin before it sends anything. */
  constructor(origin: string) {
    this.local.set(origin, 0)
  }

  /** An event a context of this origin sent reached this context (sent here, or through sync). */
  sentHere(event: BusEvent): void {
    const highest = this.local.get(event.origin)
    if (highest === undefined) bounded(this.local, event.origin, event.seq)
    else if (event.seq > highest) this.local.set(event.origin, event.seq)
  }

  /** Remembers an event crossing the bridge, with its content's fingerprint when known. */
  remember(event: BusEvent, fingerprint?: number): void {
    const key = keyOf(event)
    const entry = this.recent.get(key)
    if (entry) entry.fingerprint ??= fingerprint
    else this.add(key, event, fingerprint)
  }

  /** {@link verdict}, and a `new` event remembered: what a leader does with each message, one lookup. */
  admit(event: BusEvent, fingerprint: number): Verdict {
    const key = keyOf(event)
    const verdict = this.verdictOf(this.recent.get(key), event, fingerprint)
    if (verdict === 'new') this.add(key, event, fingerprint)
    return verdict
  }

  /** What to do with an event a message brings; `fingerprint` is its content's, if known. */
  verdict(event: BusEvent, fingerprint?: number): Verdict {
    return this.verdictOf(this.recent.get(keyOf(event)), event, fingerprint)
  }

  private add(key: string, event: BusEvent, fingerprint: number | undefined): void {
    this.recent.set(key, { origin: event.origin, seq: event.seq, fingerprint })
    if (this.recent.size <= RECENT_LIMIT) return
    const [oldestKey, oldest] = this.oldest.take()!
    this.recent.delete(oldestKey)
    if (oldest.seq > 0 && !this.local.has(oldest.origin) && oldest.seq > (this.floors.get(oldest.origin) ?? 0)) {
      this.floors.delete(oldest.origin)
      bounded(this.floors, oldest.origin, oldest.seq)
    }
  }

  private verdictOf(entry: Entry | undefined, event: BusEvent, fingerprint: number | undefined): Verdict {
    if (entry) return entry.fingerprint === undefined || fingerprint === undefined || entry.fingerprint === fingerprint ? 'duplicate' : 'conflict'
    if (event.seq === 0) return 'new'
    const highest = this.local.get(event.origin)
    if (highest !== undefined) return event.seq <= highest ? 'duplicate' : 'unsent'
    return event.seq <= (this.floors.get(event.origin) ?? 0) ? 'forgotten' : 'new'
  }
}

function keyOf(event: BusEvent): string {
  return event.seq > 0 ? `${event.seq} ${event.origin}` : identityOf(event)
}

function bounded(map: Map<string, number>, key: string, value: number): void {
  map.set(key, value)
  if (map.size > ORIGIN_LIMIT) map.delete(map.keys().next().value as string)
}
