import type { AttachedPlugin, Bus } from '../../src/core/index'
import { answerDevtools } from '../agent-channel'
import { ANSWER_FOR_MS } from './protocol'

/**
 * The buses of this page that answer the devtools' asks (what devtoolsAgent() does) because a panel
 * in another tab looks at a bus of their name: each for `ANSWER_FOR_MS` after the panel's last
 * request, then its plugin is detached and its channel closed.
 */
export class AskAnswers {
  private readonly answering = new Map<Bus, { readonly attached: AttachedPlugin; until: number }>()
  private timer: ReturnType<typeof setTimeout> | undefined

  renew(buses: readonly Bus[], now = Date.now()): void {
    for (const bus of buses) {
      const current = this.answering.get(bus)
      if (current) {
        current.until = now + ANSWER_FOR_MS
        continue
      }
      const attached = answerFor(bus)
      if (attached === undefined) continue
      this.answering.set(bus, { attached, until: now + ANSWER_FOR_MS })
    }
    if (this.timer === undefined && this.answering.size > 0) this.timer = setTimeout(() => this.expire(), ANSWER_FOR_MS)
  }

  private expire(): void {
    this.timer = undefined
    const now = Date.now()
    for (const [bus, { attached, until }] of this.answering) {
      if (until > now && !bus.closed) continue
      this.answering.delete(bus)
      void attached.detach()
    }
    if (this.answering.size > 0) this.timer = setTimeout(() => this.expire(), ANSWER_FOR_MS)
  }
}

function answerFor(bus: Bus): AttachedPlugin | undefined {
  try {
    return bus.use({
      // Its own name: an app's own devtoolsAgent() keeps answering beside it.
      name: 'crossbus-devtools-extension-answers',
      setup: (host) => {
        const end = answerDevtools(host)
        return { close: () => end.close() }
      },
    })
  } catch {
    // Closed since it registered: nothing to answer for.
    return undefined
  }
}
