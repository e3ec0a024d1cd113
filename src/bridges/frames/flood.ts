/**
 * The flood bound of a frame: a token bucket of `perSecond` events that refills continuously, so
 * a burst of up to `perSecond` passes and a steady stream above it does not.
 */
export class FloodGate {
  private tokens: number
  private last: number

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = perSecond
    this.last = now()
  }

  /** Takes up to `count` events; returns how many the bound allows (fewer means it was exceeded). */
  take(count: number): number {
    const now = this.now()
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) * this.perSecond) / 1000)
    this.last = now
    const allowed = Math.min(count, Math.floor(this.tokens))
    this.tokens -= allowed
    return allowed
  }

  /** A new connection starts with a full bucket. */
  reset(): void {
    this.tokens = this.perSecond
    this.last = this.now()
  }
}
