/** What the leader posts: which exported events the server has, signed with who leads and since when. */
interface AckMessage {
  /** The leading bus instance's origin. */
  readonly leader: string
  /** When it took over (epoch ms, or just above the latest term it had seen): later leaders have larger terms. */
  readonly term: number
  readonly acked: readonly string[]
}

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
        if (ack.acked.length > 0) onAcked(ack.acked)
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

  private send(acked: readonly string[]): void {
    this.channel?.postMessage({ leader: this.origin, term: this.term, acked } satisfies AckMessage)
  }
}

/** The message if it is a well-formed ack with a believable term; `undefined` for anything else. */
function asAckMessage(data: unknown): AckMessage | undefined {
  // Structured clone carries no getters or proxies: reading these fields cannot throw.
  if (typeof data !== 'object' || data === null) return undefined
  const { leader, term, acked } = data as Partial<Record<keyof AckMessage, unknown>>
  if (typeof leader !== 'string' || leader === '') return undefined
  if (!Number.isSafeInteger(term) || (term as number) <= 0 || (term as number) > Date.now() + MAX_TERM_LEAD_MS) return undefined
  if (!Array.isArray(acked) || !acked.every((key) => typeof key === 'string')) return undefined
  return { leader, term: term as number, acked }
}
