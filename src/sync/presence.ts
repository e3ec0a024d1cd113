import { BehaviorSubject, type Observable } from 'rxjs'
import type { Peer, PeerKind } from '../core/index'
import { throttle } from './throttle'
import { watched } from './watched'

export type { Peer }

/** How presence talks to the others: sync posts for it. */
export interface PresenceLink {
  readonly self: Peer
  /** `false` for a local bus: there is no one to ask, so `peers$` is just this instance. */
  readonly shared: boolean
  /** Posts `hello` asking every instance to answer with `here`. */
  ask(): void
  /** `peers$` lists `limit` others already: said once per observation, when the next is ignored. */
  full(limit: number): void
}

// While someone watches peers$, every PROBE_MS the others are asked who is there; a peer that did
// not answer the previous probe, nor sent anything since, is gone (its tab was killed, its worker
// terminated). Comparing with the previous probe rather than a clock keeps a throttled timer in a
// background tab from expiring live peers.
const PROBE_MS = 2_000

/** The most other instances `peers$` lists: announcements beyond are ignored (and reported once). */
export const PEERS_MAX = 1_024

// Any context can post `here` as fast as it likes: the list is rebuilt and sorted at most once per
// PUBLISH_MS, never per message, and this instance asks at most once per ASK_MS.
const PUBLISH_MS = 50
const ASK_MS = 1_000

interface Known {
  readonly peer: Peer
  seen: number
}

/**
 * The live peers, kept only while `peers$` is observed: the first observer asks everyone to
 * announce themselves and starts probing; the last one leaving stops it all.
 */
export class Presence {
  readonly peers$: Observable<readonly Peer[]>
  private readonly known = new Map<string, Known>()
  private readonly list: BehaviorSubject<readonly Peer[]>
  private readonly publish = throttle(() => this.publishNow(), PUBLISH_MS)
  private readonly ask = throttle(() => this.link.ask(), ASK_MS)
  private tracking = false
  private closed = false
  private saidFull = false
  private lastProbe = 0
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(private readonly link: PresenceLink) {
    this.list = new BehaviorSubject<readonly Peer[]>([link.self])
    this.peers$ = watched(this.list, () => this.closed, () => this.start(), () => this.stop())
  }

  /** An instance said hello or answered one. */
  seen(id: string, kind: PeerKind, since: number): void {
    if (!this.tracking) return
    const entry = this.known.get(id)
    if (entry) {
      entry.seen = Date.now()
      return
    }
    if (this.known.size >= PEERS_MAX) {
      if (!this.saidFull) this.link.full(PEERS_MAX)
      this.saidFull = true
      return
    }
    this.known.set(id, { peer: { origin: id, kind, since, self: false }, seen: Date.now() })
    this.publish()
  }

  /** Any other message from an instance also shows it is alive. */
  alive(id: string): void {
    const entry = this.known.get(id)
    if (entry) entry.seen = Date.now()
  }

  /**
   * An instance said goodbye. Or some other context said it in its name: then the instance hears
   * it too and announces itself again at once (see sync.ts), and the next probe would find it anyway.
   */
  left(id: string): void {
    if (this.known.delete(id)) this.publish()
  }

  /** Forgets every peer and, if watched, asks again (after coming back from the back/forward cache). */
  restart(): void {
    if (this.known.size > 0) {
      this.known.clear()
      this.publish()
    }
    if (this.tracking) this.probe()
  }

  /** Stops probing and completes every observer of `peers$`. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.stop()
    this.list.complete()
  }

  private start(): void {
    if (this.tracking || !this.link.shared) return
    this.tracking = true
    this.probe()
    this.timer = setInterval(() => {
      const deadline = this.lastProbe
      let expired = false
      for (const [id, entry] of this.known) {
        if (entry.seen < deadline) {
          this.known.delete(id)
          expired = true
        }
      }
      if (expired) this.publish()
      this.probe()
    }, PROBE_MS)
  }

  private stop(): void {
    if (!this.tracking) return
    this.tracking = false
    clearInterval(this.timer)
    this.timer = undefined
    this.publish.cancel()
    this.ask.cancel()
    this.known.clear()
    this.saidFull = false
    if (!this.closed) this.list.next([this.link.self])
  }

  private probe(): void {
    this.lastProbe = Date.now()
    this.ask()
  }

  private publishNow(): void {
    if (!this.tracking) return
    const peers = [this.link.self]
    for (const entry of this.known.values()) peers.push(entry.peer)
    peers.sort((a, b) => a.since - b.since || (a.origin < b.origin ? -1 : 1))
    this.list.next(peers)
  }
}
