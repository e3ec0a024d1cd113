import { keepLatest, limitOf, type UseEventsOptions } from '../adapters/shared'
import type { BusEvent, BusHandle, BusSubscription, ReplaySpec } from '../core/index'

/** The last events of one subscription, as an external store for `useSyncExternalStore`. */
export interface RecentEvents {
  subscribe(onChange: () => void): () => void
  getSnapshot(): readonly BusEvent[]
}

/**
 * Keeps the last `limit` events of `bus.subscribe(pattern, kind)` outside React, so a burst of
 * events in one tick is all kept and React reads it once, instead of each `setState` of the
 * burst racing the others. The bus subscription lives while React listens; it is opened on the
 * first listener and closed with the last, which keeps StrictMode's subscribe, unsubscribe,
 * subscribe without a leak. Nothing happens at creation, so a render React throws away costs nothing.
 */
export function createRecentEvents(bus: BusHandle, pattern: string, kind: string | undefined, options: UseEventsOptions): RecentEvents {
  const latest = keepLatest(limitOf(options))
  const listeners = new Set<() => void>()
  let subscription: BusSubscription | undefined

  const receive = (event: BusEvent) => {
    latest.push(event)
    for (const listener of [...listeners]) listener()
  }

  return {
    subscribe(onChange) {
      listeners.add(onChange)
      if (!subscription) {
        // Replay delivers history again on every subscription: start from it, not on top of it.
        if (options.replay !== undefined && latest.snapshot().length > 0) latest.clear()
        subscription = bus.subscribe(pattern, kind, { replay: options.replay })
        subscription.subscribe(receive)
      }
      return () => {
        listeners.delete(onChange)
        if (listeners.size === 0) {
          subscription?.close()
          subscription = undefined
        }
      }
    },
    getSnapshot: latest.snapshot,
  }
}

/** A stable key for a replay spec, so `{ since }` written inline doesn't resubscribe every render. */
export function replayKey(replay: ReplaySpec | undefined): string {
  if (replay === undefined) return ''
  return typeof replay === 'object' && replay !== null ? `since:${replay.since}` : String(replay)
}
