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

// Characters of a bus instance id a label shows: its ids are 14 random base-36 characters, so
// four tell apart the few dozen contexts a developer looks at (a clash is 1 in 1.7 million per pair).
const SHORT_ID_CHARS = 4

/**
 * A context's label, from its identity alone: its kind and the first characters of its bus
 * instance id, `tab k3f9`, `worker 0a1b`. Every viewer (the in-page panel of any tab, the
 * standalone page, the extension) that knows the kind names the context the same, whatever order
 * the contexts started or were met in. A kind not known (the context left before this viewer met
 * it) reads `context`; the id part stays the same.
 */
export function contextLabel(origin: string, kind: PeerKind | undefined): string {
  if (origin === EXTERNAL_ORIGIN) return 'external'
  return `${kind === undefined ? 'context' : (KIND_NAMES[kind] ?? 'context')} ${origin.slice(0, SHORT_ID_CHARS)}`
}

/**
 * Readable names for bus instance ids (see {@link contextLabel}). A context keeps its kind after
 * it leaves, so its old rows still say who sent them. The viewer's own context is marked in the
 * contexts tab (`here`), not renamed, so its label is the one other viewers show for it.
 */
export class OriginLabels {
  private readonly kinds = new Map<string, PeerKind>()
  private readonly labels = new Map<string, string>()

  /** `selfLabel` is kept for callers of the old signature; the label no longer depends on it. */
  constructor(readonly selfLabel = 'this tab') {}

  /** Learns the kinds of the peers not met yet; true when a label changed. */
  update(peers: readonly Peer[]): boolean {
    let changed = false
    for (const peer of peers) {
      if (this.kinds.get(peer.origin) === peer.kind) continue
      changed = true
      this.kinds.set(peer.origin, peer.kind)
      this.labels.set(peer.origin, contextLabel(peer.origin, peer.kind))
    }
    return changed
  }

  /** Whether `origin` is a context met on `peers$` (a live one, or one that left). */
  has(origin: string): boolean {
    return this.kinds.has(origin)
  }

  /** The origins met on `peers$`. */
  known(): Iterable<string> {
    return this.kinds.keys()
  }

  /** The kind of `origin`, when it was met on `peers$`. */
  kindOf(origin: string): PeerKind | undefined {
    return this.kinds.get(origin)
  }

  of(origin: string): string {
    return this.labels.get(origin) ?? contextLabel(origin, undefined)
  }
}
