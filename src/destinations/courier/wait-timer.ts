import { timerDelay } from '../retry'

/**
 * The one wait a courier may be in: a backoff before retrying, or a batch filling up (which an
 * offer that fills the batch ends early). Nothing is read or sent while it runs.
 */
export class WaitTimer {
  private timer: ReturnType<typeof setTimeout> | undefined
  private fillingBatch = false

  get waiting(): boolean {
    return this.timer !== undefined
  }

  /** Waiting for a batch to fill, not backing off. */
  get filling(): boolean {
    return this.fillingBatch
  }

  /** Runs `then` after `delay` ms (capped as setTimeout can honour it). */
  start(delay: number, filling: boolean, then: () => void): void {
    this.stop()
    this.fillingBatch = filling
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.fillingBatch = false
      then()
    }, timerDelay(delay))
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.fillingBatch = false
  }
}
