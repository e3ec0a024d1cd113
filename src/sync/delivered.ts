/** How many delivered events are remembered (the latest, per slot). A power of two. */
export const DELIVERED_KEPT = 2_048
const SLOT_MASK = DELIVERED_KEPT - 1

/**
 * What the latest events delivered were, to tell a second event with one identity (origin and
 * seq) from the first: the same event again (fallback transports may deliver twice) or another
 * one (a forgery posted in that context's name, one way round or the other). An event is known by
 * its time and its size as `measureEvent` estimates them (names included): a forger that posts
 * first must guess the real event's time to the millisecond and its size.
 *
 * A direct-mapped cache: slot `(hash(origin) + seq) mod DELIVERED_KEPT`, so a burst of one
 * origin fills consecutive slots, and remembering costs a few array writes per event.
 */
export class Delivered {
  // Made on the first event delivered: a context that only sends pays nothing.
  private origins: Array<string | undefined> | undefined
  private seqs: Float64Array | undefined
  private times = new Float64Array(0)
  private sizes = new Float64Array(0)

  /** The base slot of an origin's events, computed once per message. */
  static base(origin: string): number {
    let hash = 0
    for (let i = 0; i < origin.length; i++) hash = (hash * 31 + origin.charCodeAt(i)) | 0
    return hash
  }

  remember(base: number, origin: string, seq: number, time: number, bytes: number): void {
    if (this.origins === undefined || this.seqs === undefined) {
      this.origins = new Array<string | undefined>(DELIVERED_KEPT)
      this.seqs = new Float64Array(DELIVERED_KEPT)
      this.times = new Float64Array(DELIVERED_KEPT)
      this.sizes = new Float64Array(DELIVERED_KEPT)
    }
    const slot = (base + seq) & SLOT_MASK
    this.origins[slot] = origin
    this.seqs[slot] = seq
    this.times[slot] = time
    this.sizes[slot] = bytes
  }

  /** `true` if the event delivered with this identity is remembered and was another one. */
  conflicts(base: number, origin: string, seq: number, time: number, bytes: number): boolean {
    const slot = (base + seq) & SLOT_MASK
    if (this.origins?.[slot] !== origin || this.seqs![slot] !== seq) return false
    return this.times[slot] !== time || this.sizes[slot] !== bytes
  }

  clear(): void {
    this.origins = undefined
  }
}
