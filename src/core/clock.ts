/**
 * How far ahead of this context's clock another context's event time is still believed. Times
 * within it are adopted (see `observe`); a clock further ahead is taken for a wrong one.
 */
const MAX_CLOCK_LEAD_MS = 24 * 60 * 60 * 1000

/** Most sends one reading of the system clock is stamped on (within one task, see `stamp`). */
const STAMPS_PER_READ = 32

/**
 * The time stamped on the events one bus instance sends: a hybrid clock. It never runs backwards
 * within an origin (clocks get adjusted), so history ordered by time keeps seq order; and an event
 * sent after seeing another context's is stamped no earlier than it, so a clock set back (by an
 * hour, say) cannot make history replay a later event first.
 */
export class EventClock {
  #last = 0
  /** `Date.now()` as last read, and how many more stamps may use it. */
  #now = 0
  #uses = 0
  #expiring = false

  /**
   * The time for an event sent now. Reading the system clock costs a third of a send, so one
   * reading serves the sends of one task, up to {@link STAMPS_PER_READ} of them: a burst of
   * events sent in one go shares a time, and a new task always reads the clock anew.
   */
  stamp(): number {
    if (--this.#uses < 0) this.#read()
    if (this.#now > this.#last) this.#last = this.#now
    return this.#last
  }

  #read(): void {
    this.#now = Date.now()
    this.#uses = STAMPS_PER_READ - 1
    if (this.#expiring) return
    this.#expiring = true
    queueMicrotask(() => {
      this.#expiring = false
      this.#uses = 0
    })
  }

  /** Adopts a trusted time of this origin unless it is more than a day ahead of this clock. */
  observe(time: number): void {
    if (time > this.#last && time - Date.now() <= MAX_CLOCK_LEAD_MS) this.#last = time
  }
}
