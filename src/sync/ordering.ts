import { OriginTable, ORIGINS_MAX, QUIET_MS, type Tracked } from './origin-table'

export { FORGOTTEN_MAX, ORIGINS_KEPT, ORIGINS_MAX, QUIET_MS } from './origin-table'

/** What to do with an incoming event, given what was seen from its origin. */
export type Verdict =
  /** Deliver; `missed` events before it never arrived (0: none). */
  | { readonly deliver: true; readonly missed: number }
  /** Seen already: discard (fallback transports may deliver twice; the inbox tells a conflict apart). */
  | { readonly deliver: false; readonly refused?: undefined }
  /** Implausible (a forgery, a replay): drop and report why. */
  | { readonly deliver: false; readonly refused: string; readonly tooMany?: undefined }
  /** One origin too many: it never announced itself and every slot is taken by active ones. */
  | { readonly deliver: false; readonly refused: string; readonly tooMany: true }

/** The first event a sender ever posted, as its envelopes say. */
export interface FirstPost {
  readonly seq: number
  readonly time: number
}

// The bounds, chosen so that no real context reaches them: a million events lost between two that
// arrive, a sender with more than 10^12 events behind it when first heard of. So a forged message
// can't push a context's seq out of reach (up to Number.MAX_SAFE_INTEGER).

/** How far past the highest seq seen from an origin its next seq may jump. */
export const SEQ_AHEAD_MAX = 1_000_000
/** The highest seq accepted from an origin heard of for the first time. */
export const FIRST_SEQ_MAX = 1e12
/** Runs of delivered seqs kept per origin; past it the two closest merge. */
export const RUNS_MAX = 8

interface Origin extends Tracked {
  /**
   * The seqs delivered, as sorted, disjoint, non-adjacent runs `[start0, end0, start1, end1...]`.
   * A forged seq ahead of its sender opens a second run above the real one instead of making the
   * real events below it look like duplicates.
   */
  readonly runs: number[]
  /** Events below the top run must have been sent since: earlier ones are replays (see `admit`). */
  readonly floor: number
  /** The seq that opened the latest gap: once the gap below it fills, a second event with it is the real one. */
  suspect: number
  /** The last seq refused as too far ahead: the next event continuing it is taken as real. */
  refused: number
}

const NEXT: Verdict = { deliver: true, missed: 0 }
const DUPLICATE: Verdict = { deliver: false }

/**
 * The seqs seen per origin: exactly-once and in-order delivery over a channel that may duplicate
 * (fallback transports) or lose (a context closing mid-send, a paused tab) messages, and where any
 * script of the origin can post. The first event seen from an origin is a gap only if its sender
 * started posting after this context joined; events it sent before are none of this context's.
 */
export class OriginTracker {
  private readonly origins = new OriginTable<Origin>()

  /** `joinedAt`: when this context joined the channel; it was never owed what was sent before. */
  constructor(private joinedAt = Date.now()) {}

  /** How many origins are remembered. */
  get size(): number {
    return this.origins.size
  }

  /** The origin announced itself through presence: at the cap, it wins over unannounced ones. */
  announce(origin: string): void {
    this.origins.announce(origin)
  }

  /**
   * Judges the event `seq` of `origin`, sent at `time`, received `now` and, unless it is a
   * duplicate or refused, records it. `first`: the sender's first post, from its envelope.
   */
  admit(origin: string, seq: number, time: number, now: number, first?: FirstPost): Verdict {
    let entry = this.origins.touch(origin, now)
    if (entry === undefined || entry.runs.length === 0) {
      // A first event sent before this context forgot the origin may be a replay of one it
      // delivered then. (Unless the clock moved back since: then every time looks that old.)
      const forgotAt = this.origins.forgotAt(origin)
      if (time <= forgotAt && forgotAt <= now) return refuse('sent before this context forgot its sender: a replay?')
    }
    if (entry === undefined) {
      const floor = Math.max(this.joinedAt, this.origins.forgotAt(origin))
      entry = this.origins.add(origin, now, () => ({ runs: [], floor, suspect: 0, refused: 0, active: now }))
      if (entry === undefined) return { deliver: false, refused: `over ${ORIGINS_MAX} senders active in ${QUIET_MS / 1000} s, and it never announced itself`, tooMany: true }
    }
    // The common case first: the next seq of the highest run.
    const runs = entry.runs
    const top = runs.length - 1
    if (top > 0 && seq === runs[top]! + 1) {
      runs[top] = seq
      return NEXT
    }
    if (top < 0 || seq > runs[top]!) return this.ahead(entry, seq, first, origin)
    return this.below(entry, seq, time)
  }

  /** Forgets every origin (after this context was away, e.g. in the back/forward cache). */
  forgetAll(now: number): void {
    this.origins.clear()
    this.joinedAt = now
  }

  /** A seq past everything seen from the origin: the first one, or a jump over a gap. */
  private ahead(entry: Origin, seq: number, first: FirstPost | undefined, origin: string): Verdict {
    const runs = entry.runs
    const top = runs.length > 0 ? runs[runs.length - 1]! : undefined
    // A real sender that moved on (this context lost track of it) continues its seq; a lone
    // forgery does not.
    if (seq > (top === undefined ? FIRST_SEQ_MAX : top + SEQ_AHEAD_MAX) && seq !== entry.refused + 1) {
      entry.refused = seq
      return refuse(`seq ${seq} is too far past ${top ?? 0}`)
    }
    runs.push(seq, seq)
    if (top === undefined) return { deliver: true, missed: this.missedBefore(seq, first, origin) }
    entry.suspect = seq
    this.bound(runs)
    return { deliver: true, missed: seq - top - 1 }
  }

  /** A seq below the highest seen: a duplicate, or one a gap or a forgery had skipped. */
  private below(entry: Origin, seq: number, time: number): Verdict {
    const runs = entry.runs
    let at = 0
    while (at < runs.length && runs[at + 1]! < seq) at += 2
    if (at < runs.length && runs[at]! <= seq) {
      // A forged seq jumped ahead and the real events below it have all arrived since: this is
      // the real event with that seq. (A real gap never fills on a native channel.)
      if (seq === entry.suspect && runs[at]! < seq) {
        entry.suspect = 0
        return NEXT
      }
      return DUPLICATE
    }
    if (time < entry.floor) return refuse('sent before this context knew its sender: a replay?')
    this.insert(runs, at, seq)
    return NEXT
  }

  /** Adds `seq` before the run at index `at` (not inside any run). */
  private insert(runs: number[], at: number, seq: number): void {
    const joinsBelow = at > 0 && runs[at - 1] === seq - 1
    const joinsAbove = at < runs.length && runs[at] === seq + 1
    if (joinsBelow && joinsAbove) runs.splice(at - 1, 2)
    else if (joinsBelow) runs[at - 1] = seq
    else if (joinsAbove) runs[at] = seq
    else {
      runs.splice(at, 0, seq, seq)
      this.bound(runs)
    }
  }

  /** Keeps `runs` short: merges the two closest runs, taking the few seqs between as seen. */
  private bound(runs: number[]): void {
    if (runs.length <= RUNS_MAX * 2) return
    let closest = 2
    for (let at = 4; at < runs.length; at += 2) {
      if (runs[at]! - runs[at - 1]! < runs[closest]! - runs[closest - 1]!) closest = at
    }
    runs.splice(closest - 1, 2)
  }

  /** On first contact: what a sender that started posting after this context joined sent before `seq`. */
  private missedBefore(seq: number, first: FirstPost | undefined, origin: string): number {
    if (first === undefined || first.seq >= seq || first.time < this.joinedAt || first.time <= this.origins.forgotAt(origin)) return 0
    return seq - first.seq
  }
}

function refuse(why: string): Verdict {
  return { deliver: false, refused: why }
}
