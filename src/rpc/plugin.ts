import { distinctUntilChanged, from, startWith, switchMap } from 'rxjs'
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
          ({ RequestEngine }) => (engine = new RequestEngine(host, claimWindowMs)),
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
        close: () => engine?.close(),
      }
    },
  }
}

/**
 * `bus.handle()`: names, handler and policy are checked now (a subscription opened and closed at
 * once throws what the policy forbids); the handler itself starts once the protocol is loaded.
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
  via.handle.subscribe(system, kind as never).close()
  let started: RequestHandler | undefined
  const starting = load().then((engine) => (started = engine.handle(via, system, kind, handler)))
  return {
    ready: starting.then((handle) => handle.ready),
    status$: from(starting).pipe(
      switchMap((handle) => handle.status$),
      startWith<RequestHandlerStatus>('starting'),
      distinctUntilChanged(),
    ),
    stats: () => started?.stats() ?? { answered: 0, failed: 0 },
    close: () => starting.then((handle) => handle.close(), () => {}),
  }
}
