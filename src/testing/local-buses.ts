import { createBus, type Bus, type BusEvent } from '../index'

/** Local buses of one test file (no cross-tab sync), closed together after each test. */
export function localBuses() {
  const buses: Bus[] = []
  return {
    newBus(options: Parameters<typeof createBus>[0] = {}): Bus {
      const bus = createBus({ crossTab: false, ...options } as Parameters<typeof createBus>[0])
      buses.push(bus)
      return bus
    },
    closeAll: async () => {
      await Promise.all(buses.splice(0).map((bus) => bus.close()))
    },
  }
}

/** The events a subscription delivers from now on, collected in an array. */
export function collect(sub: { subscribe(next: (e: BusEvent) => void): unknown }): BusEvent[] {
  const seen: BusEvent[] = []
  sub.subscribe((e) => seen.push(e))
  return seen
}
