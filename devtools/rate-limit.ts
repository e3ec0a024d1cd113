/**
 * At most `max` messages per window of `windowMs`: `take()` says whether this one may be handled.
 * The rest are dropped and counted, and `dropped(count)` is told once, when a window that dropped
 * some ends, so a flood costs a comparison per message and one report a window, not one per message.
 */
export class RateLimit {
  /** Messages dropped since the limit was made. */
  droppedTotal = 0
  private windowStart = Number.NEGATIVE_INFINITY
  private used = 0
  private droppedInWindow = 0
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly dropped: (count: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  take(): boolean {
    const now = this.now()
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now
      this.used = 0
    }
    if (this.used < this.max) {
      this.used++
      return true
    }
    this.droppedTotal++
    if (this.droppedInWindow++ === 0) this.timer = setTimeout(() => this.tell(), Math.max(0, this.windowStart + this.windowMs - now))
    return false
  }

  /** Stops the pending report (the channel is closing: nobody is left to tell). */
  close(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.droppedInWindow = 0
  }

  private tell(): void {
    const count = this.droppedInWindow
    this.droppedInWindow = 0
    this.timer = undefined
    this.dropped(count)
  }
}
