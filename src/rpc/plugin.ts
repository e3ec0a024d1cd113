import { BehaviorSubject } from 'rxjs'
import {
  busError,
  checkKind,
  checkOptions,
  checkSystem,
  lazyImportHint,
  type BusEvent,
  type BusPlugin,
  type HandlerContext,
  type RequestHandler,
  type RequestHandlerStatus,
  type RequestService,
  type RequestVia,
} from '../core/index'
import type { RequestEngine } from './engine'
import type { Registration } from './handler'

export interface RequestsOptions {
  /**
   * How long a request waits for a first claim before it fails with `NOT_FOUND`: the time a handler
   * in the slowest context needs to hear the request and claim it. Default 500 ms.
   */
  readonly claimWindowMs?: number
}

const DEFAULT_CLAIM_WINDOW_MS = 500

/**
 * The plugin behind `bus.request()` and `bus.handle()`. `createBus` of `crossbus` adds it; with
 * `crossbus/core`, pass it yourself. Up front it costs a check per event; the protocol loads on
 * the first `request()` or `handle()` (`import()`), so an app that never asks pays nothing more.
 *
 * @example
 * import { createBus } from 'crossbus/core'
 * import { sync } from 'crossbus/sync'
 * import { requests } from 'crossbus'
 * const bus = createBus({ name: 'shop', plugins: [sync(), requests()] })
 */
/* @__NO_SIDE_EFFECTS__ */
export function requests(options: RequestsOptions = {}): BusPlugin {
  checkOptions(options, ['claimWindowMs'], 'requests')
  const { claimWindowMs = DEFAULT_CLAIM_WINDOW_MS } = options
  if (!(typeof claimWindowMs === 'number' && claimWindowMs > 0)) throw busError('INVALID_ARGUMENT', `requests(): claimWindowMs must be a number of milliseconds above 0, got ${String(claimWindowMs)}.`)
  return {
    name: 'requests',
    setup(host) {
      let engine: RequestEngine | undefined
      let loading: Promise<RequestEngine> | undefined
      const load = (): Promise<RequestEngine> =>
        (loading ??= import('./engine').then(
          ({ RequestEngine }) => (engine = new RequestEngine(host.origin, claimWindowMs, (cause) => host.report(busError('PLUGIN_FAILED', `requests: a handler of this context could not answer: ${String((cause as Error)?.message ?? cause)}`, cause)))),
          (cause) => {
            loading = undefined
            throw busError('PLUGIN_FAILED', `requests: the request protocol could not be loaded${lazyImportHint() ? ` (${lazyImportHint()})` : ''}.`, cause)
          },
        ))
      const service: RequestService = {
        request: async (via, system, kind, path, data, options) => (await load()).request(via, system, kind, path, data, options),
        handle: (via, system, kind, handler) => handleWith(load, via, system, kind, handler),
      }
      return {
        requests: service,
        event: (event) => engine?.event(event),
        close: () => engine?.close(busError('BUS_CLOSED', `The bus "${host.name}" closed before the reply came.`)),
      }
    },
  }
}

/**
 * `bus.handle()`: subscribes at once (so a policy that forbids it throws here), queues requests
 * until the protocol is loaded, then hands them to a registration.
 */
function handleWith(
  load: () => Promise<RequestEngine>,
  via: RequestVia,
  system: string,
  kind: string,
  handler: (event: BusEvent, context: HandlerContext) => unknown,
): RequestHandler {
  checkSystem(system)
  checkKind(kind)
  if (typeof handler !== 'function') throw busError('INVALID_ARGUMENT', `handle(): the handler of "${kind}" must be a function.`)
  const status$ = new BehaviorSubject<RequestHandlerStatus>('starting')
  const queued: BusEvent[] = []
  let registration: Registration | undefined
  let engine: RequestEngine | undefined
  const subscription = via.handle.subscribe(system, kind as never)
  subscription.subscribe((event) => (registration ? registration.requested(event as BusEvent) : queued.push(event as BusEvent)))
  const ready = load().then((loaded) => {
    if (status$.value === 'closed') return
    engine = loaded
    registration = loaded.register(via, system, kind, handler)
    for (const event of queued.splice(0)) registration.requested(event)
    status$.next('handling')
  })
  ready.catch(() => subscription.close())
  let closing: Promise<void> | undefined
  return {
    ready,
    status$: status$.asObservable(),
    stats: () => registration?.stats() ?? { answered: 0, failed: 0 },
    close: () =>
      (closing ??= (async () => {
        subscription.close()
        if (registration) engine!.unregister(registration)
        status$.next('closed')
        status$.complete()
      })()),
  }
}
