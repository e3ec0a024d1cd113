import { BehaviorSubject } from 'rxjs'
import { describeError, type AnyEventMap, type Bus, type BusError, type BusEvent, type BusPlugin, type EventMap, type ModuleHandle, type PluginHooks, type PluginHost, type Provenance } from '../../core/index'
import type { BridgeContext, HandleState } from './bridge-context'
import { NATS_PLUGIN_NAME, type Counts, type NatsBridgeStats } from './bridge-state'
import type { NatsConnectionState } from './connection'
import { natsError } from './errors'
import { resolveOptions, type NatsBridgeOptions, type ResolvedNatsOptions } from './options'

export { NATS_PLUGIN_NAME, type NatsBridgeStats } from './bridge-state'

/** Where a bridge stands in this context. */
export interface NatsStatus {
  /** The connection: `connecting`, `connected`, `reconnecting`, then `closed`. */
  readonly state: NatsConnectionState
  /**
   * Whether this context imports and exports for the origin; the others hold a standby
   * connection and take over when it goes.
   */
  readonly leading: boolean
  /** The server connected to (`host:port`), while connected. */
  readonly server?: string
  /** JetStream mode: the device's durable consumer, while this context reads it (leading, connected). */
  readonly consumer?: string
}

/**
 * What {@link bridgeNats} returns: `ready` settles at the first connection (leading or standing
 * by) and rejects if the bridge cannot run (`NATS_UNAVAILABLE`: no WebSocket, no client;
 * `NATS_CONNECTION_CLOSED`: refused credentials, or closed before it connected); `stats()` says what
 * this context did with what it took from NATS; `close()` hands NATS what this context still
 * holds, closes the connection and detaches the bridge.
 */
export type NatsBridge = ModuleHandle<NatsStatus, NatsBridgeStats>

/**
 * Bridges a bus to NATS over WebSocket, so its events cross devices and users: exported events
 * are published as CloudEvents on `<subjectPrefix>.<system>.:.<kind>`, and imported messages
 * become bus events that keep their identity, delivered once in every context of the origin.
 *
 * Run it in every tab that may bridge: one of them (the leader) imports and exports; the others
 * hold a standby connection and take over, without losing or repeating events, when it goes.
 * Needs `@nats-io/nats-core` (an optional peer dependency, loaded when the bridge starts). Bad
 * options throw `NATS_INVALID` here.
 *
 * @example
 * import { createBus } from 'crossbus'
 * import { bridgeNats } from 'crossbus/nats'
 *
 * const bus = createBus({ name: 'shop' })
 * const bridge = bridgeNats(bus, {
 *   servers: 'wss://nats.example.com',
 *   export: [{ system: 'orders.**' }],
 *   import: [{ system: 'orders.**' }, { system: 'support', kind: 'ticket.*' }],
 * })
 * bridge.status$.subscribe(({ state, leading }) => console.log('nats', state, leading ? 'leading' : 'standing by'))
 * bus.errors$.subscribe((error) => console.warn(error.code, error.message))
 * await bridge.ready
 */
export function bridgeNats<E extends EventMap = AnyEventMap>(bus: Bus<E>, options: NatsBridgeOptions): NatsBridge {
  const resolved = resolveOptions(options, bus.name)
  const counts: Counts = { imported: 0, duplicates: 0, conflicts: 0, dropped: 0, gaps: 0, missed: 0 }
  let settle!: { resolve: () => void; reject: (error: BusError) => void }
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }))
  // Awaiting `ready` is the caller's choice: a failure is reported on `errors$` either way.
  ready.catch(() => {})
  const handle: HandleState = {
    status: new BehaviorSubject<NatsStatus>({ state: 'connecting', leading: false }),
    counts,
    flush: () => bus.flush(),
    ready: () => settle.resolve(),
    failed: (error) => settle.reject(error),
  }
  const attached = bus.use(natsPlugin(resolved, handle))
  let closed: Promise<void> | undefined
  return {
    ready,
    status$: handle.status.asObservable(),
    stats: () => ({ ...counts }),
    close: () => (closed ??= attached.detach()),
  }
}

/**
 * The plugin shell: the bridge itself loads on demand (with the connection, see `runtime.ts`);
 * the events that reach this context before it does wait here, at most `maxQueuedEvents` of them.
 */
function natsPlugin(options: ResolvedNatsOptions, handle: HandleState): BusPlugin {
  return {
    name: NATS_PLUGIN_NAME,
    setup(host: PluginHost): PluginHooks {
      let context: BridgeContext | undefined
      let waiting: Array<[BusEvent, Provenance]> = []
      let overflowed = false
      let closing = false
      const loaded = import('./runtime').then(
        ({ BridgeContext }) => {
          if (closing) return
          context = new BridgeContext(host, options, handle)
          for (const [event, provenance] of waiting) context.observed(event, provenance)
          waiting = []
        },
        (cause: unknown) => {
          const error = natsError('NATS_UNAVAILABLE', `The NATS bridge could not load its connection code: ${describeError(cause)}.`, cause)
          host.report(error)
          closed(handle, error)
        },
      )
      return {
        event(event, provenance) {
          if (context) context.observed(event, provenance)
          else if (waiting.length < options.maxQueuedEvents) waiting.push([event, provenance])
          else if (!overflowed) {
            overflowed = true
            host.report(natsError('NATS_QUEUE_FULL', `${options.maxQueuedEvents} events reached this context before the NATS bridge started: later ones are not exported. Raise maxQueuedEvents to keep more.`))
          }
        },
        async close() {
          closing = true
          await loaded
          if (context) await context.close()
          else closed(handle, natsError('NATS_CONNECTION_CLOSED', 'The NATS bridge closed before it connected.'))
        },
      }
    },
  }
}

function closed(handle: HandleState, error: BusError): void {
  handle.failed(error)
  const { status } = handle
  if (status.closed) return
  status.next({ state: 'closed', leading: false })
  status.complete()
}
