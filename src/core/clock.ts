/**
 * How far ahead of this context's clock another context's event time is still believed. Times
 * within it are adopted (see `observe`); a clock further ahead is taken for a wrong one.
 */
const MAX_CLOCK_LEAD_MS = 24 * 60 * 60 * 1000

/**
 * The time stamped on the events one bus instance sends: a hybrid clock. It never runs backwards
 * within an origin (clocks get adjusted), so history ordered by time keeps seq order; and an event
 * sent after seeing another context's is stamped no earlier than it, so a clock set back (by an
 * hour, say) cannot make history replay a later event first.
 */
export class EventClock {
  private last = 0

  /** The time for an event sent now. */
  stamp(): number {
    const now = Date.now()
    if (now > this.last) this.last = now
    return this.last
  }

  /** Adopts a trusted time of this origin unless it is more than a day ahead of this clock. */
  observe(time: number): void {
    if (time > this.last && time - Date.now() <= MAX_CLOCK_LEAD_MS) this.last = time
  }
}
