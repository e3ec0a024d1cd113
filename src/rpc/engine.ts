import { BehaviorSubject } from 'rxjs'
import { busError, type BusEvent, type HandlerContext, type PluginHost, type RequestHandler, type RequestHandlerStatus, type RequestOptions, type RequestVia } from '../core/index'
import { Registration } from './handler'
import { Requester } from './requester'
import { readProtocol } from './wire'

/**
 * Request/reply for one bus instance, loaded on the first `request()` or `handle()`: the requests
 * this context waits on and the handlers it runs, both fed every protocol event that reaches it.
 */
export class RequestEngine {
  private readonly requester: Requester
  private readonly registrations = new Map<string, Set<Registration>>()
  private readonly origin: string

  constructor(
    private readonly host: PluginHost,
    claimWindowMs: number,
  ) {
    this.origin = host.origin
    this.requester = new Requester(host.origin, claimWindowMs)
  }

  /** A handler of this context failed to answer: said on `errors$`. */
  private readonly report = (cause: unknown): void => {
    this.host.report(busError('PLUGIN_FAILED', `requests: a handler of this context could not answer: ${String((cause as Error)?.message ?? cause)}`, cause))
  }

  request(via: RequestVia, system: string, kind: string, path: string, data: unknown, options: RequestOptions | undefined): Promise<unknown> {
    return this.requester.request(via, system, kind, path, data, options)
  }

  /** A handler from now on: its subscription claims every request of the kind that reaches this context. */
  handle(via: RequestVia, system: string, kind: string, handler: (event: BusEvent, context: HandlerContext) => unknown): RequestHandler {
    const status$ = new BehaviorSubject<RequestHandlerStatus>('starting')
    const registration = new Registration(via, system, kind, handler, this.report)
    const key = keyOf(system, kind)
    const set = this.registrations.get(key) ?? new Set()
    this.registrations.set(key, set.add(registration))
    const subscription = via.handle.subscribe(system, kind as never)
    subscription.subscribe((event) => registration.requested(event as BusEvent))
    status$.next('handling')
    let closing: Promise<void> | undefined
    return {
      ready: Promise.resolve(),
      status$: status$.asObservable(),
      stats: () => registration.stats(),
      close: () =>
        (closing ??= (async () => {
          subscription.close()
          registration.close()
          set.delete(registration)
          status$.next('closed')
          status$.complete()
        })()),
    }
  }

  /** Every event that reaches this context (the plugin's `event` hook). */
  event(event: BusEvent): void {
    const message = readProtocol(event)
    if (!message) return
    if (message.verb === 'claim' || message.verb === 'reply') {
      if (this.requester.size > 0) this.requester.message(message, event)
      if (message.verb === 'claim') return
    }
    const set = this.registrations.get(keyOf(event.system, message.kind))
    if (!set) return
    // A direct grant names a context, not a claim: the first handler here that heard the request takes it.
    const direct = message.verb === 'grant' && message.data.claim === undefined && message.data.to === this.origin
    const chosen = direct ? [...set].find((registration) => registration.has(message.request)) : undefined
    chosen?.grantedDirectly(message.request)
    for (const registration of set) registration.message(message)
  }

  /** The bus is closing: pending requests fail with `BUS_CLOSED`, handlers stop. */
  close(): void {
    this.requester.close(busError('BUS_CLOSED', `The bus "${this.host.name}" closed before the reply came.`))
    for (const set of this.registrations.values()) for (const registration of set) registration.close(false)
    this.registrations.clear()
  }
}

const keyOf = (system: string, kind: string): string => `${system} ${kind}`
