import { EXTERNAL_ORIGIN } from '../../src/cloudevents/index'
import type { Peer, PeerKind } from '../../src/core/index'

const KIND_NAMES: Record<PeerKind, string> = {
  window: 'tab',
  iframe: 'frame',
  worker: 'worker',
  'shared-worker': 'shared worker',
  'service-worker': 'service worker',
  other: 'context',
}

/**
 * Readable names for bus instance ids: `this tab`, `tab 2`, `worker 1`, numbered per kind in the
 * order the contexts started. A context keeps its name after it leaves, so its old rows still say
 * who sent them.
 */
export class OriginLabels {
  private readonly labels = new Map<string, string>()
  private readonly counts = new Map<string, number>()

  constructor(private readonly selfLabel: string) {}

  /** Names the peers not named yet (oldest first, as `peers$` lists them). */
  update(peers: readonly Peer[]): boolean {
    let changed = false
    for (const peer of peers) {
      if (this.labels.has(peer.origin)) continue
      changed = true
      if (peer.self) {
        this.labels.set(peer.origin, this.selfLabel)
        continue
      }
      const name = KIND_NAMES[peer.kind] ?? 'context'
      const count = (this.counts.get(name) ?? 0) + 1
      this.counts.set(name, count)
      this.labels.set(peer.origin, `${name} ${count}`)
    }
    return changed
  }

  /** Whether `origin` is a context met on `peers$` (a live one, or one that left). */
  has(origin: string): boolean {
    return this.labels.has(origin)
  }

  /** The origins met on `peers$`. */
  known(): Iterable<string> {
    return this.labels.keys()
  }

  of(origin: string): string {
    const label = this.labels.get(origin)
    if (label !== undefined) return label
    if (origin === EXTERNAL_ORIGIN) return 'external'
    // Gone before anyone asked who it was, or from outside the origin (a bridge).
    return `#${origin.slice(0, 6)}`
  }
}
