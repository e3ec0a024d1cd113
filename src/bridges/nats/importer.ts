import { BusError, describeError, identityOf, type BusEvent, type Provenance } from '../../core/index'
import { NATS_PLUGIN_NAME, type BridgeState } from './bridge-state'
import { natsError } from './errors'
import type { Verdict } from './identity-ledger'
import { RecentMap } from './recent'

/** A NATS message a standby context heard: its event, and its content's fingerprint. */
interface Heard {
  readonly event: BusEvent
  readonly fingerprint: number
}

/**
 * The importing half of one context's bridge: the leader injects what NATS brings, once per
 * identity (see `IdentityLedger`), and reports what it refuses and what it missed; a standby
 * context keeps what its bus has not seen, to inject it if it takes over.
 */
export class Importer {
  /** NATS messages a standby context got that have not reached its bus yet, by identity. */
  private readonly standby: RecentMap<Heard>

  constructor(private readonly bridge: BridgeState) {
    this.standby = new RecentMap(bridge.options.maxQueuedEvents)
  }

  /** Every event that reaches this context: what it says of the identities that exist. */
  observed(event: BusEvent, provenance: Provenance): void {
    const { ledger, leading } = this.bridge
    if (provenance.bridge === undefined) ledger.sentHere(event)
    // The leader remembered what it imported; what it exports, it remembers once published.
    if (leading) return
    const heard = this.standby.remove(identityOf(event))
    if (provenance.bridge === NATS_PLUGIN_NAME) ledger.remember(event, heard?.fingerprint)
  }

  /** A message from NATS; its publisher's number is followed in core mode, where a jump is a gap. */
  received(subject: string, payload: Uint8Array): void {
    const { host, runtime, leading, options, ledger } = this.bridge
    if (host.closed) return
    let event: BusEvent
    let stamp: string | undefined
    try {
      ;({ event, stamp } = runtime.codec.decode(subject, payload))
    } catch (error) {
      // It arrived, refused or not: its number is no gap.
      if (runtime.stamped) runtime.gaps.seen(subject, runtime.stampOf(payload))
      // The leader counts and reports; a standby context would only say it again.
      if (leading) this.dropped(asBusError(error, subject))
      return
    }
    if (!options.importable(event)) return
    // A standby context follows the numbers too, so it knows where they stand if it takes over.
    const missed = runtime.stamped ? runtime.gaps.seen(subject, stamp) : 0
    if (leading && missed > 0) this.missed(missed, subject, stamp!)
    const fingerprint = runtime.fingerprintOf(payload)
    if (leading) this.admit(event, fingerprint)
    else if (ledger.verdict(event, fingerprint) === 'new') this.standby.set(identityOf(event), { event, fingerprint })
  }

  /** This context leads now: what it heard standing by and its bus has not seen goes in. */
  takeOver(): void {
    for (const { event, fingerprint } of this.standby.take()) this.admit(event, fingerprint)
  }

  /**
   * Injects an imported event: checked like a send (names, policy, plugins), refused ones dropped.
   * A second copy of an identity is refused whatever its data: counted as a duplicate when its
   * content is the same, reported as a conflict when it is not (one of the two is forged).
   */
  private admit(event: BusEvent, fingerprint: number): void {
    const { host, ledger, counts } = this.bridge
    const verdict = ledger.admit(event, fingerprint)
    if (verdict === 'duplicate') {
      counts.duplicates++
      return
    }
    if (verdict !== 'new') {
      counts.conflicts++
      host.drop(natsError('NATS_IDENTITY_CONFLICT', conflictMessage(verdict, event)))
      return
    }
    let injected: boolean
    try {
      injected = host.inject(event)
    } catch (error) {
      this.dropped(asBusError(error, `${event.system} ${event.kind}`))
      return
    }
    if (injected) counts.imported++
    else counts.duplicates++
  }

  private dropped(error: BusError): void {
    this.bridge.counts.dropped++
    this.bridge.host.drop(error)
  }

  private missed(count: number, subject: string, stamp: string): void {
    const { counts, host } = this.bridge
    counts.gaps++
    counts.missed += count
    const publisher = stamp.slice(0, stamp.lastIndexOf(' '))
    host.missed(
      natsError(
        'NATS_EVENTS_MISSED',
        `${count} NATS message${count === 1 ? '' : 's'} on "${subject}" from the bridge ${publisher} never arrived here: core NATS keeps nothing for a subscriber that is away (a server restart, this connection's outage), so those events are not delivered.`,
      ),
    )
  }
}

function conflictMessage(verdict: Exclude<Verdict, 'new' | 'duplicate'>, event: BusEvent): string {
  const what = `A NATS message brings "${event.id}" (${event.system} ${event.kind})`
  const forged = 'whoever may publish on these subjects can name any event; give each device publish rights on its own subjects only'
  if (verdict === 'conflict') return `${what}, an identity this bus already has with other content: refused. One of the two is forged (${forged}).`
  if (verdict === 'unsent') return `${what}, an event a context of this origin has not sent: refused as forged (${forged}).`
  return `${what}, older than what this bridge still remembers of "${event.origin}": refused, as it may repeat an event delivered long ago.`
}

function asBusError(error: unknown, what: string): BusError {
  return error instanceof BusError ? error : natsError('NATS_MALFORMED_MESSAGE', `A NATS message (${what}) was dropped: ${describeError(error)}.`, error)
}
