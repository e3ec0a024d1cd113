import type { Bus, BusEvent, BusPlugin, PluginHost, Provenance, SubscriptionInfo } from '../core/index'
import { createBus, type BusError } from '../core/index'
import { sync } from '../sync/index'
import { createHub } from './hub'

/** The tiny test plugin: records everything the seam shows it, and keeps its host. */
export function recorder(name = 'recorder') {
  const seen: Array<{ event: BusEvent; provenance: Provenance }> = []
  const opened: SubscriptionInfo[] = []
  const closed: SubscriptionInfo[] = []
  const errors: BusError[] = []
  let host: PluginHost | undefined
  const plugin: BusPlugin = {
    name,
    setup(given) {
      host = given
      return {
        event: (event, provenance) => void seen.push({ event, provenance }),
        subscribed: (info) => void opened.push(info),
        unsubscribed: (info) => void closed.push(info),
        error: (error) => void errors.push(error),
      }
    },
  }
  return {
    plugin,
    seen,
    opened,
    closed,
    errors,
    get host() {
      return host!
    },
  }
}

/** An event from outside the origin, as a bridge brings it in: no bus sequenced it. */
export const external = (id: string, system = 'orders'): BusEvent => ({ id, system, kind: 'order.created', path: `/orders/${id}`, data: { id }, time: Date.now(), origin: 'external', seq: 0 })

/** Buses of one test file, closed together after each test (`afterEach(scene.closeAll)`). */
export function createScene() {
  const buses: Bus[] = []
  function newBus(plugins: BusPlugin[] = [], name = 'plugins'): Bus {
    const bus = createBus({ name, plugins })
    buses.push(bus)
    return bus
  }
  return {
    newBus,
    /** Keeps a bus made elsewhere, to close it with the others. */
    keep: (bus: Bus) => void buses.push(bus),
    /** Two contexts of one origin, linked by sync over an in-memory channel. */
    twoContexts(pluginsA: BusPlugin[] = [], pluginsB: BusPlugin[] = []) {
      const hub = createHub()
      const link = () => sync({ environment: { kind: 'window', open: hub.open } })
      return { hub, a: newBus([link(), ...pluginsA], 'linked'), b: newBus([link(), ...pluginsB], 'linked') }
    },
    closeAll: async () => {
      await Promise.all(buses.splice(0).map((bus) => bus.close()))
    },
  }
}
