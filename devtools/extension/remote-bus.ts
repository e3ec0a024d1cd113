import { BehaviorSubject, type Observable } from 'rxjs'
import { BusError, type BusErrorKind, type BusEvent, type Peer, type PeerKind } from '../../src/core/index'
import type { RecordSource } from '../records'
import type { BusInfo, PanelMessage, WireError, WirePeer, WireRecord } from './protocol'
import { decodeValue, encodeValue } from './wire'

/** Says how a re-send through the page ended (it ends after `send` returned: the page is a message away). */
export type ResendOutcome = (text: string, bad: boolean) => void

/**
 * The page's bus as the panel sees it, a message away: the same UI code as the in-page panel reads
 * its name and contexts, and sends and reads history through it, each a message to the page's bus.
 */
export class RemoteBus {
  readonly name: string
  readonly origin: string
  private readonly peers = new BehaviorSubject<readonly Peer[]>([])
  private readonly waiting = new Set<number>()
  private readonly historyAsked: ((records: readonly WireRecord[], error: WireError | undefined) => void)[] = []
  private requests = 0

  constructor(
    info: BusInfo,
    private readonly tell: (message: PanelMessage) => void,
    private readonly outcome: ResendOutcome,
  ) {
    this.name = info.name
    this.origin = info.origin
  }

  get peers$(): Observable<readonly Peer[]> {
    return this.peers
  }

  /**
   * Re-sends through the page's bus, so its policy and checks apply. The page answers a moment
   * later: the event returned stands for the one on its way, and `outcome` says how it went.
   */
  send(system: string, kind: string, path: string, data?: unknown): BusEvent {
    const request = ++this.requests
    this.waiting.add(request)
    this.tell({ type: 'send', request, system, kind, path, data: encodeValue(data) })
    return { id: `… (sent through the page's bus)`, system, kind, path, data, time: Date.now(), origin: this.origin, seq: 0 }
  }

  /** The page's bus's stored history (the panel's history button). */
  history(): Promise<BusEvent[]> {
    return new Promise((resolve, reject) => {
      this.historyAsked.push((records, error) => (error ? reject(new BusError({ kind: String(error.kind) as BusErrorKind, code: String(error.code), message: String(error.message) })) : resolve(records.map(eventOf))))
      this.tell({ type: 'history' })
    })
  }

  /** The page said who is there. */
  peersChanged(peers: readonly WirePeer[]): void {
    this.peers.next(peers.map((peer) => ({ origin: String(peer.origin), kind: String(peer.kind) as PeerKind, since: Number(peer.since), self: peer.self === true })))
  }

  /** The page answered a re-send. */
  sent(request: number, id: string | undefined, error: WireError | undefined): void {
    if (!this.waiting.delete(request)) return
    if (error) this.outcome(`${error.code}: ${error.message}`, true)
    else this.outcome(`sent as ${id}`, false)
  }

  /** The page sent history the panel's button asked for; `false` when nobody asked (the history sent on open). */
  historyArrived(records: readonly WireRecord[], error: WireError | undefined): boolean {
    const asked = this.historyAsked.shift()
    asked?.(records, error)
    return asked !== undefined
  }

  close(): void {
    this.peers.complete()
  }
}

/** An event as it crossed, its data rebuilt. */
export function eventOf(record: WireRecord): BusEvent {
  const { id, system, kind, path, data, time, origin, seq } = record.event
  return { id: String(id), system: String(system), kind: String(kind), path: String(path), data: decodeValue(data), time: Number(time), origin: String(origin), seq: Number(seq) }
}

/** Where an event crossed from, as the recorder keeps it. */
export function sourceOf(record: WireRecord): RecordSource {
  const arrival = record.arrival === 'received' || record.arrival === 'injected' ? record.arrival : 'sent'
  return { arrival, from: String(record.from), bridge: typeof record.bridge === 'string' ? record.bridge : undefined }
}
