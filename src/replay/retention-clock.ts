import type { BusEvent } from '../core/index'

// How many of the latest lags to remember: enough to outlast one slow message.
const LAGS = 64

/**
 * "Now" for retention, never ahead of the other contexts. An event from another context arrives a
 * moment after it was stamped; when even the quickest of the latest arrivals looks hours old, this
 * context's clock runs ahead by about that much, and ages measured with it would expire everyone's
 * history. A clock behind the others only makes retention keep a little more, which is safe.
 */
export class RetentionClock {
  private readonly lags: number[] = []
  private next = 0

  /** `at`: when the event arrived. */
  received(event: BusEvent, at = Date.now()): void {
    const lag = at - event.time
    if (this.lags.length < LAGS) this.lags.push(lag)
    else {
      this.lags[this.next] = lag
      this.next = (this.next + 1) % LAGS
    }
  }

  now(): number {
    let lead = 0
    if (this.lags.length > 0) lead = Math.max(0, Math.min(...this.lags))
    return Date.now() - lead
  }
}
