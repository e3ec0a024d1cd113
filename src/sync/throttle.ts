/** A call that runs at most once per window; see {@link throttle}. */
export interface Throttled {
  (): void
  /** Drops a run waiting for the end of the window. */
  cancel(): void
}

/**
 * Wraps `run` so it runs at once when called, then at most once per `windowMs`: calls within the
 * window fold into one run at its end. Any context of the origin can make another one call
 * (answer, publish, announce) as often as it posts; this keeps the work bounded by time instead.
 *
 * @example
 * const answer = throttle(() => channel.postMessage(here), 1_000)
 * answer() // posts now
 * answer(); answer() // one post, a second after the first
 */
export function throttle(run: () => void, windowMs: number): Throttled {
  let last = -Infinity
  let timer: ReturnType<typeof setTimeout> | undefined
  const fire = () => {
    timer = undefined
    last = performance.now()
    run()
  }
  const call = () => {
    if (timer !== undefined) return
    // A monotonic clock: a wall clock set back would hold every run for as long.
    const wait = last + windowMs - performance.now()
    if (wait <= 0) fire()
    else timer = setTimeout(fire, wait)
  }
  return Object.assign(call, {
    cancel() {
      clearTimeout(timer)
      timer = undefined
    },
  })
}
