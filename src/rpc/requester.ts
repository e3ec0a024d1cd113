import type { Subscription } from 'rxjs'
import { busError, type BusError, type BusEvent, type Peer, type RequestOptions, type RequestVia } from '../core/index'
import { requestError } from './errors'
import { fromWireError, verbKind, type ProtocolMessage } from './wire'

/** Without `timeoutMs`, a request waits this long for its reply. */
export const DEFAULT_TIMEOUT_MS = 10_000

interface Pending {
  readonly via: RequestVia
  readonly event: BusEvent
  readonly resolve: (reply: unknown) => void
  readonly reject: (error: BusError) => void
  readonly timers: ReturnType<typeof setTimeout>[]
  readonly stopAbort: () => void
  /**
   * The context granted the request, and whether it has claimed it: a direct grant (sent with the
   * request to the context that answered this kind last) waits for that context's claim.
   */
  granted?: { readonly origin: string; claimed: boolean }
  /** While a direct grant waits: the first claim of another context, to grant if it never comes. */
  fallback?: BusEvent
}

/**
 * The requests this context sent and waits on. Each waits `claimWindowMs` for a first claim (none:
 * `NOT_FOUND`), grants it, then waits for that handler's reply until `timeoutMs`; the handler's
 * context leaving `peers$` fails it at once.
 */
export class Requester {
  private readonly pending = new Map<string, Pending>()
  // Per system and kind, the other context that answered last: the next request is granted to it
  // directly, in the same message as the request, which saves the claim's round trip.
  private readonly sticky = new Map<string, string>()
  // Contexts seen alive: a granted handler's context that was seen and is gone has closed.
  private alive = new Set<string>()
  private readonly seen = new Set<string>()
  private peers: Subscription | undefined

  constructor(
    private readonly origin: string,
    private readonly claimWindowMs: number,
  ) {}

  get size(): number {
    return this.pending.size
  }

  request(via: RequestVia, system: string, kind: string, path: string, data: unknown, options: RequestOptions | undefined): Promise<unknown> {
    const { timeoutMs = DEFAULT_TIMEOUT_MS, signal } = checkRequestOptions(options)
    if (signal?.aborted) return Promise.reject(canceled(signal))
    // Presence is watched from the first request on, so a handler's context is known before it may leave.
    this.peers ??= via.peers$.subscribe((peers) => this.peersNow(peers))
    return new Promise((resolve, reject) => {
      // Throws (policy, names, data) before anything waits: the promise rejects with it.
      const event = via.handle.send(system, kind, path, data as never) as BusEvent
      const onAbort = () => this.fail(event.id, canceled(signal!), true)
      signal?.addEventListener('abort', onAbort, { once: true })
      const entry: Pending = { via, event, resolve, reject, timers: [], stopAbort: () => signal?.removeEventListener('abort', onAbort) }
      this.pending.set(event.id, entry)
      const target = this.sticky.get(keyOf(event))
      if (target !== undefined && this.alive.has(target)) {
        entry.granted = { origin: target, claimed: false }
        this.sendGrant(entry, { request: event.id, to: target })
      }
      entry.timers.push(
        setTimeout(() => this.unclaimed(entry), Math.min(this.claimWindowMs, timeoutMs)),
        setTimeout(() => this.fail(event.id, busError('TIMEOUT', `No reply to "${kind}" on "${system}" within ${timeoutMs} ms.`), true), timeoutMs),
      )
    })
  }

  /** A claim, grant or reply of another context (or of this one) about a request sent here. */
  message(message: ProtocolMessage, event: BusEvent): void {
    const entry = this.pending.get(message.request)
    if (!entry || entry.event.system !== event.system || entry.event.kind !== message.kind) return
    const granted = entry.granted
    if (message.verb === 'claim') {
      if (!granted) this.grant(entry, event)
      else if (granted.claimed) return
      else if (event.origin === granted.origin) {
        granted.claimed = true
        clearTimeout(entry.timers[0])
      } else entry.fallback ??= event
    } else if (message.verb === 'reply' && granted?.origin === event.origin) {
      if (event.origin !== this.origin) this.sticky.set(keyOf(entry.event), event.origin)
      if ('error' in message.data) this.settle(entry, () => entry.reject(fromWireError(message.data.error)))
      else this.settle(entry, () => entry.resolve(message.data.reply))
    }
  }

  /**
   * The claim window passed: no claim at all is `NOT_FOUND`; a direct grant its context never
   * claimed (it stopped handling) goes to the first other claim, if there was one.
   */
  private unclaimed(entry: Pending): void {
    const { system, kind, id } = entry.event
    this.sticky.delete(keyOf(entry.event))
    if (entry.fallback) this.grant(entry, entry.fallback)
    else this.fail(id, busError('NOT_FOUND', `No context handles requests of "${kind}" on "${system}" (no claim within ${this.claimWindowMs} ms).`))
  }

  /** Fails every pending request (the bus is closing). */
  close(error: BusError): void {
    for (const id of [...this.pending.keys()]) this.fail(id, error)
    this.peers?.unsubscribe()
  }

  private grant(entry: Pending, claim: BusEvent): void {
    clearTimeout(entry.timers[0])
    entry.granted = { origin: claim.origin, claimed: true }
    const id = entry.event.id
    // After the claim's send has returned: a claim made here is recorded by its handler only then.
    queueMicrotask(() => {
      if (this.pending.get(id) === entry) this.sendGrant(entry, { request: id, claim: claim.id })
    })
    if (claim.origin !== this.origin && this.seen.has(claim.origin) && !this.alive.has(claim.origin)) this.fail(id, gone(entry))
  }

  private sendGrant(entry: Pending, grant: { request: string; claim?: string; to?: string }): void {
    const { system, kind, path } = entry.event
    try {
      entry.via.handle.send(system, verbKind(kind, 'grant'), path, grant as never)
    } catch (cause) {
      this.fail(entry.event.id, cause as BusError)
    }
  }

  private peersNow(peers: readonly Peer[]): void {
    this.alive = new Set(peers.map((peer) => peer.origin))
    for (const origin of this.alive) this.seen.add(origin)
    for (const entry of [...this.pending.values()]) {
      const origin = entry.granted?.origin
      if (origin !== undefined && origin !== this.origin && this.seen.has(origin) && !this.alive.has(origin)) this.fail(entry.event.id, gone(entry))
    }
  }

  /** Rejects a request still pending; `cancel` tells a granted handler to stop. */
  private fail(id: string, error: BusError, cancel = false): void {
    const entry = this.pending.get(id)
    if (!entry) return
    if (error.code === 'REQUEST_HANDLER_GONE') this.sticky.delete(keyOf(entry.event))
    this.settle(entry, () => entry.reject(error))
    if (!cancel || !entry.granted) return
    const { system, kind, path } = entry.event
    try {
      entry.via.handle.send(system, verbKind(kind, 'cancel'), path, { request: id } as never)
    } catch {
      // The bus closed meanwhile: the handler's context learns nothing, and its reply is ignored.
    }
  }

  private settle(entry: Pending, then: () => void): void {
    this.pending.delete(entry.event.id)
    for (const timer of entry.timers) clearTimeout(timer)
    entry.stopAbort()
    then()
  }
}

const keyOf = (event: BusEvent): string => `${event.system} ${event.kind}`

const canceled = (signal: AbortSignal): BusError => requestError('REQUEST_CANCELED', 'The request was canceled by its signal.', signal.reason)

const gone = (entry: Pending): BusError =>
  requestError('REQUEST_HANDLER_GONE', `The context answering "${entry.event.kind}" on "${entry.event.system}" closed before it replied; the request may be sent again.`)

/** Checks `request()`'s options: an unknown option or a bad value is `INVALID_ARGUMENT`. */
export function checkRequestOptions(options: RequestOptions | undefined): RequestOptions {
  if (options === undefined) return {}
  if (typeof options !== 'object' || options === null) throw busError('INVALID_ARGUMENT', 'request(): options are an object ({ timeoutMs, signal }).')
  for (const key of Object.keys(options)) {
    if (key !== 'timeoutMs' && key !== 'signal') throw busError('INVALID_ARGUMENT', `request(): unknown option "${key}" (known: timeoutMs, signal).`)
  }
  const { timeoutMs, signal } = options
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= 2 ** 31 - 1)) {
    throw busError('INVALID_ARGUMENT', `request(): timeoutMs must be a number of milliseconds above 0, got ${String(timeoutMs)}.`)
  }
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.addEventListener !== 'function')) {
    throw busError('INVALID_ARGUMENT', 'request(): signal must be an AbortSignal.')
  }
  return options
}
