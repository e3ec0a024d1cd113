import { Bounded } from './bounded'

// The bounds, chosen so that no real context reaches them: 8,192 contexts active within 30 s.
// So a forged message can't make this table grow without bound nor forget a live context for
// an unannounced one.

/** Past this many origins, those quiet for `QUIET_MS` are forgotten, least recently active first. */
export const ORIGINS_KEPT = 1_024
/**
 * Never more origins than this: past it, an origin that never announced itself is refused, and
 * one that did takes the place of the least recently active unannounced one (or, if every one
 * announced itself, of the least recently active).
 */
export const ORIGINS_MAX = 8_192
export const QUIET_MS = 30_000
const EVICT_BATCH = 64
/** Forgotten origins whose last activity is kept, to refuse a replay of their messages. */
export const FORGOTTEN_MAX = 16_384

/** What the table keeps of one origin; the tracker owns the rest. */
export interface Tracked {
  /** When this context last heard from the origin, on its own clock. */
  active: number
}

/**
 * The origins a context remembers, in two least-recently-active orders: those announced through
 * presence (`hello`, `here`: every bus instance says hello when it opens, and answers an ask) and
 * those that never did (a sender that was there before this context joined and was not asked yet,
 * or a forgery). At the cap, announced ones win. What it forgets it remembers as a time (the
 * origin's last activity), so an event sent before it can't introduce the origin again.
 */
export class OriginTable<T extends Tracked> {
  private readonly announced = new Map<string, T>()
  private readonly unannounced = new Map<string, T>()
  // Origins that announced themselves (kept after their first event: it does no harm).
  private readonly heralds = new Bounded<true>(ORIGINS_MAX)
  private readonly forgotten = new Bounded<number>(FORGOTTEN_MAX)
  // The latest activity of an origin forgotten past `forgotten`'s bound (or by `clear`).
  private horizon = -Infinity
  // The origin touched last: a burst from one origin pays no reordering per event.
  private newest: string | undefined
  private newestEntry: T | undefined

  get size(): number {
    return this.announced.size + this.unannounced.size
  }

  /** The origin, moved to the most recently active end of its order. */
  touch(origin: string, now: number): T | undefined {
    if (origin === this.newest) {
      this.newestEntry!.active = now
      return this.newestEntry
    }
    let order = this.announced
    let entry = order.get(origin)
    if (entry === undefined) {
      order = this.unannounced
      entry = order.get(origin)
      if (entry === undefined) return undefined
    }
    entry.active = now
    order.delete(origin)
    order.set(origin, entry)
    this.newest = origin
    this.newestEntry = entry
    return entry
  }

  /** The origin announced itself. */
  announce(origin: string): void {
    const entry = this.unannounced.get(origin)
    if (entry !== undefined) {
      this.unannounced.delete(origin)
      this.announced.set(origin, entry)
    } else if (!this.announced.has(origin)) {
      this.heralds.set(origin, true)
    }
  }

  /** Whether the origin announced itself (or will be taken as announced when first heard of). */
  isAnnounced(origin: string): boolean {
    return this.heralds.has(origin) || this.announced.has(origin)
  }

  /**
   * When a first event from `origin` is too old to be new: it was sent before this context
   * forgot the origin (then it may be a replay of one delivered already). An announced origin is
   * held only to its own record; an unannounced one also to the horizon of origins forgotten
   * without a record.
   */
  forgotAt(origin: string): number {
    return this.forgotten.get(origin) ?? (this.isAnnounced(origin) ? -Infinity : this.horizon)
  }

  /** Adds an origin first heard of `now`; `undefined` when the table is full of active origins and this one never announced itself. */
  add(origin: string, now: number, create: () => T): T | undefined {
    const announced = this.heralds.has(origin)
    if (this.size >= ORIGINS_KEPT) this.evictQuiet(now)
    if (this.size >= ORIGINS_MAX) {
      if (!announced) return undefined
      this.evictOldest(this.unannounced.size > 0 ? this.unannounced : this.announced)
    }
    const entry = create()
    entry.active = now
    ;(announced ? this.announced : this.unannounced).set(origin, entry)
    this.newest = origin
    this.newestEntry = entry
    return entry
  }

  /** Forgets every origin and announcement (after this context was away, e.g. in the back/forward cache). */
  clear(): void {
    for (const order of [this.unannounced, this.announced]) {
      for (const [origin, entry] of order) this.forget(order, origin, entry)
    }
    // Any context may announce itself again; until then, the horizon holds for all.
    this.forgotten.forEach((active) => this.raiseHorizon(active))
    this.heralds.clear()
  }

  private evictQuiet(now: number): void {
    this.evictQuietOf(this.unannounced, now)
    this.evictQuietOf(this.announced, now)
  }

  // Down to a little below the bound, so the walk to the oldest entries (past the slots the last
  // evictions left in the Map) is paid once per batch, not once per new origin.
  private evictQuietOf(order: Map<string, T>, now: number): void {
    for (const [origin, entry] of order) {
      if (this.size <= ORIGINS_KEPT - EVICT_BATCH || entry.active > now - QUIET_MS) return
      this.forget(order, origin, entry)
    }
  }

  private evictOldest(order: Map<string, T>): void {
    const [origin, entry] = order.entries().next().value!
    this.forget(order, origin, entry)
  }

  private forget(order: Map<string, T>, origin: string, entry: T): void {
    order.delete(origin)
    // Announced once, announced when it comes back (it says hello only when it opens or is asked).
    if (order === this.announced) this.heralds.set(origin, true)
    if (origin === this.newest) this.newest = this.newestEntry = undefined
    const dropped = this.forgotten.set(origin, entry.active)
    if (dropped !== undefined) this.raiseHorizon(dropped)
  }

  private raiseHorizon(active: number): void {
    if (active > this.horizon) this.horizon = active
  }
}
