import type { DestinationStatus } from '../../src/destinations/index'

/** How a destination's `failed` and `last error` read in the destinations tab, and whether they still warn. */
export interface FailuresText {
  readonly failed: string
  readonly failedBad: boolean
  readonly lastError: string
  readonly lastErrorBad: boolean
}

/**
 * `failed` is the handle's running total (events that went to dead letters), and `lastError` the
 * latest failure: the handle keeps both after a retried letter is delivered, as `delivered` keeps
 * its count. The tab keeps them too (they are what happened), but once no dead letter is left and
 * the destination delivered since the error was seen, it says they are resolved and stops
 * marking them as a problem. `lettersLeft` is `undefined` until the letters were read;
 * `deliveredWhenSeen` is the delivered count when the tab first saw this error.
 */
export function describeFailures(status: DestinationStatus, lettersLeft: number | undefined, deliveredWhenSeen: number | undefined): FailuresText {
  const error = status.lastError
  const errorText = error ? `${String(error.code)}: ${error.message}` : '—'
  const resolved = error !== undefined && lettersLeft === 0 && deliveredWhenSeen !== undefined && status.delivered > deliveredWhenSeen
  const noneLeft = status.failed > 0 && lettersLeft === 0
  return {
    failed: noneLeft ? `${status.failed} (none left: each was retried or discarded; this is the total since the start)` : String(status.failed),
    failedBad: status.failed > 0 && !noneLeft,
    lastError: resolved ? `${errorText} (resolved: delivered since, no dead letter left)` : errorText,
    lastErrorBad: error !== undefined && !resolved,
  }
}
