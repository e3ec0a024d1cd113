/** What the leader posts: which exported events the server has, signed with who leads and since when. */
interface AckMessage {
  /** The leading bus instance's origin. */
  readonly leader: string
  /** When it took over (epoch ms, or just above the latest term it had seen): later leaders have larger terms. */
  readonly term: number
  /** Keys that are in no run. */
  readonly acked: readonly string[]
  /**
   * Runs of keys that differ only in a trailing number counting up by one (the events of one sender
   * in one system): `prefix, first, last` each, flat. A burst's acks are then a few runs instead of a
   * string per event, which cloning and posting cost per string. A standby that reads only `acked`
   * (an older version of this code) misses these, which costs it repeats in a handover, no more.
   */
  readonly runs?: ReadonlyArray<string | number>
}

// A run can name this many keys at most: a forged one never makes a standby build millions.
const MAX_RUN_KEYS = 1 << 20

// Every context of an origin reads the same machine clock, so no real leader's term is far ahead
// of it. A term further ahead than this is a forgery (or a clock set back a lot: then standbys
// ignore that leader, which only costs repeats in a handover, which receivers drop by identity).
const MAX_TERM_LEAD_MS = 60_000

/**
 * How the leading bridge tells the other bridging contexts of the origin which exported events
 * the NATS server has, so they drop them from their standby {@link ExportLog}. Without a
 * BroadcastChannel (outside a browser) it does nothing: a context that takes over then publishes
 * its whole window again, and receivers drop the second copies by identity.
 *
 * Anything of the origin can post on the channel, so what comes on it is data to check, never
 * orders: the leader ignores the channel (it learns what the server has from the server itself,
 * or a forged ack naming its future events would keep them off NATS, silently), and a standby
 * takes acks only from the leader of the latest term it heard of. A new leader announces a term
 * above every term it saw, so the one before it, late or frozen and woken, is not heard anymore.
 * Code of the origin can still sign as the leader (it can read its origin and term off the
 * channel); that costs a standby events in a handover, which is why this is not a security
 * boundary but a guard against stale leaders and stray messages.
 */
export class AckChannel {
  private readonly channel: BroadcastChannel | undefined
  private leading = false
  /** This context's term while it leads. */
  private term = 0
  /** The leader a standby follows: the one of the latest term heard. */
  private followed: { leader: string; term: number } | undefined

  constructor(
    name: string,
    private readonly origin: string,
    onAcked: (keys: readonly string[]) => void,
  ) {
    // Created here, at setup, never at import time: the module must load where there is no BroadcastChannel.
    this.channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : undefined
    if (this.channel) {
      this.channel.onmessage = (message: MessageEvent<unknown>) => {
        const ack = asAckMessage(message.data)
        if (!ack || this.leading) return
        const followed = this.followed
        if (!followed || ack.term > followed.term) this.followed = { leader: ack.leader, term: ack.term }
        else if (ack.term < followed.term || ack.leader !== followed.leader) return
        const keys = ack.runs ? [...ack.acked, ...expand(ack.runs)] : ack.acked
        if (keys.length > 0) onAcked(keys)
      }
    }
  }

  /** This context leads from now on: it announces a term above every one it heard of. */
  lead(): void {
    this.leading = true
    this.term = Math.max(Date.now(), (this.followed?.term ?? 0) + 1)
    this.followed = undefined
    this.send([])
  }

  /** This context stands by from now on: it follows whoever announces the next term. */
  follow(): void {
    if (this.leading) this.followed = { leader: this.origin, term: this.term }
    this.leading = false
  }

  /** Tells the standby contexts the server has these events; only the leader says so. */
  post(keys: readonly string[]): void {
    if (keys.length > 0 && this.leading) this.send(keys)
  }

  close(): void {
    this.channel?.close()
  }

  private send(keys: readonly string[]): void {
    const { acked, runs } = compress(keys)
    this.channel?.postMessage({ leader: this.origin, term: this.term, acked, ...(runs.length > 0 ? { runs } : {}) } satisfies AckMessage)
  }
}

// Longer trailing numbers are not safe integers.
const MAX_DIGITS = 15

/** Where the number a key ends with starts (no leading zero, at most MAX_DIGITS); its length if none. */
function numberStart(key: string): number {
  let start = key.length
  while (start > 0 && key.length - start < MAX_DIGITS && isDigit(key.charCodeAt(start - 1))) start--
  while (start < key.length && key.charCodeAt(start) === 0x30) start++
  return start
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39
}

/** The keys as runs where they count up (see {@link AckMessage.runs}), the others as they are. */
function compress(keys: readonly string[]): { acked: string[]; runs: Array<string | number> } {
  const acked: string[] = []
  const runs: Array<string | number> = []
  let prefix: string | undefined
  let last = 0
  for (const key of keys) {
    const start = numberStart(key)
    if (start === key.length) {
      acked.push(key)
      continue
    }
    const n = Number(key.slice(start))
    const keyPrefix = key.slice(0, start)
    if (keyPrefix === prefix && n === last + 1) runs[runs.length - 1] = last = n
    else runs.push((prefix = keyPrefix), n, (last = n))
  }
  return { acked, runs }
}

function expand(runs: ReadonlyArray<string | number>): string[] {
  const keys: string[] = []
  for (let i = 0; i < runs.length; i += 3) {
    const prefix = runs[i] as string
    for (let n = runs[i + 1] as number; n <= (runs[i + 2] as number); n++) keys.push(`${prefix}${n}`)
  }
  return keys
}

/** Well-formed runs naming at most MAX_RUN_KEYS keys. */
function isRuns(runs: unknown): runs is ReadonlyArray<string | number> {
  if (!Array.isArray(runs) || runs.length % 3 !== 0) return false
  let total = 0
  for (let i = 0; i < runs.length; i += 3) {
    const [prefix, first, last] = [runs[i], runs[i + 1], runs[i + 2]]
    if (typeof prefix !== 'string' || !Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 1 || last < first) return false
    total += last - first + 1
    if (total > MAX_RUN_KEYS) return false
  }
  return true
}

/** The message if it is a well-formed ack with a believable term; `undefined` for anything else. */
function asAckMessage(data: unknown): AckMessage | undefined {
  // Structured clone carries no getters or proxies: reading these fields cannot throw.
  if (typeof data !== 'object' || data === null) return undefined
  const { leader, term, acked, runs } = data as Partial<Record<keyof AckMessage, unknown>>
  if (typeof leader !== 'string' || leader === '') return undefined
  if (!Number.isSafeInteger(term) || (term as number) <= 0 || (term as number) > Date.now() + MAX_TERM_LEAD_MS) return undefined
  if (!Array.isArray(acked) || !acked.every((key) => typeof key === 'string')) return undefined
  if (runs === undefined) return { leader, term: term as number, acked }
  return isRuns(runs) ? { leader, term: term as number, acked, runs } : undefined
}
