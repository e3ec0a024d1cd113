import { BehaviorSubject } from 'rxjs'
import { BusError, type AnyEventMap, type Bus, type BusPlugin, type EventMap, type PluginHost, type Provenance, type BusEvent, type AttachedPlugin } from '../../core/index'
import { frameError, type FrameErrorCode } from './errors'
import { newCounts, type FrameBridge, type FrameStatus, type HandleState } from './stats'

/** What one end of a bridge runs once attached to its bus. */
export interface BridgeEnd {
  observed(event: BusEvent, provenance: Provenance): void
  /** Detaching: say goodbye, close the port, stop listening. */
  stop(): void
}

/** What an end is given to start: the bus's host, its handle's state, and how to close itself. */
export interface EndContext {
  readonly host: PluginHost
  readonly handle: HandleState
  /** Closes the bridge for good, telling why (`FRAME_FLOODED`, `FRAME_CLOSED`) when it was not `close()`. */
  shut(reason: FrameErrorCode): void
}

/**
 * Attaches one end of a frame bridge to `bus` as a plugin named by the first free name of `names`
 * (a host may bridge several frames of one web origin), and builds its handle.
 */
export function attachBridge<E extends EventMap = AnyEventMap>(bus: Bus<E>, names: Iterable<string>, webOrigin: string, start: (context: EndContext) => BridgeEnd): FrameBridge {
  const status = new BehaviorSubject<FrameStatus>({ state: 'connecting', webOrigin })
  let settle!: { resolve: () => void; reject: (error: BusError) => void }
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }))
  // Awaiting `ready` is the caller's choice: a failure is reported on `errors$` either way.
  ready.catch(() => {})
  let reason: FrameErrorCode | undefined
  const handle: HandleState = {
    status,
    counts: newCounts(),
    connected() {
      settle.resolve()
      if (!status.closed) status.next({ state: 'connected', webOrigin })
    },
    failed: (error) => settle.reject(error),
  }
  let closed: Promise<void> | undefined
  const close = () => (closed ??= attached.detach())
  const plugin = (name: string): BusPlugin => ({
    name,
    setup(host) {
      const end = start({ host, handle, shut: (why) => ((reason = why), void close()) })
      return {
        event: (event, provenance) => end.observed(event, provenance),
        close() {
          end.stop()
          settle.reject(frameError('FRAME_CLOSED', `The frame bridge to ${webOrigin} closed before it connected.`))
          if (status.closed) return
          status.next(reason ? { state: 'closed', webOrigin, reason } : { state: 'closed', webOrigin })
          status.complete()
        },
      }
    },
  })
  const attached = useFirstFree(bus, names, plugin)
  return { ready, status$: status.asObservable(), stats: () => ({ ...handle.counts }), close }
}

function useFirstFree<E extends EventMap>(bus: Bus<E>, names: Iterable<string>, plugin: (name: string) => BusPlugin): AttachedPlugin {
  let conflict: unknown
  for (const name of names) {
    try {
      return bus.use(plugin(name))
    } catch (error) {
      if (!(error instanceof BusError) || error.code !== 'PLUGIN_CONFLICT') throw error
      conflict = error
    }
  }
  throw conflict
}

/** A short random id (base36) for a frame document. */
export function randomId(): string {
  const words = crypto.getRandomValues(new Uint32Array(3))
  return Array.from(words, (word) => word.toString(36).padStart(7, '0')).join('')
}
