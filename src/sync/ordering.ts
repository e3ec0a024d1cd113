/** What to do with an incoming event, given what was seen from its origin. */
export type Verdict =
  /** The next one (or the first seen from this origin): deliver. */
  | { readonly deliver: true; readonly missed: 0 }
  /** Events before this one never arrived: deliver, and report `missed` of them lost. */
  | { readonly deliver: true; readonly missed: number }
  /** Seen already: discard. */
  | { readonly deliver: false; readonly missed: 0 }

const NEXT: Verdict = { deliver: true, missed: 0 }
const DUPLICATE: Verdict = { deliver: false, missed: 0 }

// Origins come and go with tabs; past this many, the oldest are forgotten (a forgotten origin is
// treated as new: its next event is delivered and no gap is reported).
const ORIGINS_LIMIT = 1024

/**
 * The last `seq` seen per origin: exactly-once and in-order delivery over a channel that may
 * duplicate (fallback transports) or lose (a context closing mid-send) messages. The first
 * event seen from an origin is never a gap: this context may simply have joined later.
 */
export class OriginTracker {
  private readonly last = new Map<string, number>()

  /** Judges `seq` from `origin` and, unless it is a duplicate, records it. */
  admit(origin: string, seq: number): Verdict {
    const last = this.last.get(origin)
    if (last !== undefined && seq <= last) return DUPLICATE
    if (last === undefined && this.last.size >= ORIGINS_LIMIT) this.last.delete(this.last.keys().next().value!)
    this.last.set(origin, seq)
    if (last === undefined || seq === last + 1) return NEXT
    return { deliver: true, missed: seq - last - 1 }
  }

  /** The last seq delivered from `origin`, if any. */
  lastSeq(origin: string): number | undefined {
    return this.last.get(origin)
  }

  /** Forgets an origin that said goodbye. */
  forget(origin: string): void {
    this.last.delete(origin)
  }

  /** Forgets every origin (after this context was away, e.g. in the back/forward cache). */
  reset(): void {
    this.last.clear()
  }
}
