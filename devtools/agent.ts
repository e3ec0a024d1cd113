import type { BusPlugin } from '../src/core/index'
import { answerDevtools } from './agent-channel'

export type { ContextReport, SubscriptionGroup } from './agent-channel'

/**
 * A plugin that lets the devtools of other contexts see this one's subscriptions, for contexts
 * that have no panel: workers, frames, or tabs where the panel is not mounted. It records nothing.
 * A flood of asks from another script of the origin is answered a few times a second, the rest
 * dropped and reported on `errors$` (`DEVTOOLS_RATE_LIMITED`).
 *
 * @example
 * // inventory.worker.ts
 * import { createBus } from 'crossbus'
 * import { devtoolsAgent } from 'crossbus/devtools'
 * const bus = createBus({ name: 'shop', plugins: [devtoolsAgent()] })
 */
/* @__NO_SIDE_EFFECTS__ */
export function devtoolsAgent(): BusPlugin {
  return {
    name: 'devtools-agent',
    setup(host) {
      const answering = answerDevtools(host)
      return { close: () => answering.close() }
    },
  }
}
