import type { BusEvent, HandlerContext, RequestHandlerStats, RequestVia } from '../core/index'
import { requestError } from './errors'
import { toWireError, verbKind, type ProtocolMessage } from './wire'

// A claim the requester never grants (it closed, or the "request" was a plain send of the kind) is
// forgotten after this long.
const CLAIM_TTL_MS = 60_000

interface Claim {
  readonly request: BusEvent
  /** The id of the claim event, once sent. */
  claim: string | undefined
  readonly at: number
}

/**
 * One `bus.handle()` in this context: claims each request of its kind, runs the handler on the
 * ones granted to it, and replies (or sends the handler's error back).
 */
export class Registration {
  private readonly claims = new Map<string, Claim>()
  private readonly running = new Map<string, { readonly controller: AbortController; readonly request: BusEvent }>()
  private closed = false
  answered = 0
  failed = 0

  constructor(
    private readonly via: RequestVia,
    readonly system: string,
    readonly kind: string,
    private readonly handler: (event: BusEvent, context: HandlerContext) => unknown,
    /** Failures with no requester to tell (the reply could not be sent). */
    private readonly report: (error: unknown) => void,
  ) {}

  /**
   * A request of this kind, from any context: claim it, after the send that made it has returned,
   * unless a grant came first (a direct grant travels with its request).
   */
  requested(request: BusEvent): void {
    this.forgetStale()
    const entry: Claim = { request, claim: undefined, at: Date.now() }
    this.claims.set(request.id, entry)
    queueMicrotask(() => {
      if (this.closed || this.claims.get(request.id) !== entry) return
      entry.claim = this.claim(request)
    })
  }

  /** Whether this handler has heard the request and not yet been told who answers it. */
  has(request: string): boolean {
    return this.claims.has(request)
  }

  /**
   * Granted directly (this context answered the kind last): claim it now, which tells the
   * requester it is taken, and run it.
   */
  grantedDirectly(request: string): void {
    const entry = this.claims.get(request)
    if (!entry) return
    this.claims.delete(request)
    if (this.claim(entry.request) !== undefined) queueMicrotask(() => void this.run(entry.request))
  }

  private claim(request: BusEvent): string | undefined {
    try {
      return (this.via.handle.send(this.system, verbKind(this.kind, 'claim'), request.path, { request: request.id } as never) as BusEvent).id
    } catch (cause) {
      // The policy lets this handle subscribe but not send, or the bus closed: it cannot answer.
      this.report(cause)
      return undefined
    }
  }

  /** A grant, a reply or a cancel about a request of this kind. */
  message(message: ProtocolMessage): void {
    if (message.verb === 'cancel') {
      this.running.get(message.request)?.controller.abort(requestError('REQUEST_CANCELED', 'The requester canceled the request.'))
      return
    }
    // Answered: whoever had not been granted it forgets it.
    if (message.verb === 'reply') this.claims.delete(message.request)
    // A direct grant to another context: claim anyway, in case that context no longer handles the kind.
    if (message.verb !== 'grant' || message.data.claim === undefined) return
    const claim = this.claims.get(message.request)
    if (!claim) return
    this.claims.delete(message.request)
    if (claim.claim !== undefined && message.data.claim === claim.claim) void this.run(claim.request)
  }

  /** Stops claiming; requests running are aborted and, with `tell`, their requesters told at once. */
  close(tell = true): void {
    this.closed = true
    this.claims.clear()
    for (const { controller, request } of this.running.values()) {
      controller.abort(requestError('REQUEST_HANDLER_GONE', 'The handler was closed before it replied; the request may be sent again.'))
      if (tell) this.send(request, { error: toWireError(controller.signal.reason) })
    }
    this.running.clear()
  }

  stats(): RequestHandlerStats {
    return { answered: this.answered, failed: this.failed }
  }

  private async run(request: BusEvent): Promise<void> {
    const controller = new AbortController()
    const entry = { controller, request }
    this.running.set(request.id, entry)
    let answer: { reply: unknown } | { error: unknown }
    try {
      answer = { reply: await this.handler(request, { signal: controller.signal }) }
    } catch (cause) {
      answer = { error: toWireError(cause) }
    }
    // Canceled (nobody waits) or closed (the requester was told already).
    if (this.running.get(request.id) !== entry || controller.signal.aborted) return
    this.running.delete(request.id)
    this.send(request, answer)
  }

  private send(request: BusEvent, answer: { reply: unknown } | { error: unknown }): void {
    this.answered++
    const reply = (body: object) => this.via.handle.send(this.system, verbKind(this.kind, 'reply'), request.path, { request: request.id, ...body } as never)
    try {
      reply(answer)
      if ('error' in answer) this.failed++
    } catch (cause) {
      // A reply that cannot travel (not clonable, too large): the requester gets why instead.
      this.failed++
      try {
        reply({ error: toWireError(cause) })
      } catch (again) {
        this.report(again)
      }
    }
  }

  private forgetStale(): void {
    if (this.claims.size === 0) return
    const oldest = Date.now() - CLAIM_TTL_MS
    for (const [id, claim] of this.claims) if (claim.at < oldest) this.claims.delete(id)
  }
}
