import { of } from 'rxjs'
import type { BusError, BusEvent, PluginHost, Provenance } from '../core/index'

/** A `PluginHost` that records what a plugin does with it, for testing one plugin alone. */
export interface FakeHost extends PluginHost {
  readonly received: BusEvent[]
  readonly provenances: Provenance[]
  readonly errors: BusError[]
  readonly counts: { dropped: number; gaps: number }
  readonly observedTimes: number[]
}

export function createFakeHost(name: string, origin: string): FakeHost {
  const received: BusEvent[] = []
  const provenances: Provenance[] = []
  const errors: BusError[] = []
  const counts = { dropped: 0, gaps: 0 }
  const observedTimes: number[] = []
  return {
    name,
    origin,
    closed: false,
    received,
    provenances,
    errors,
    counts,
    observedTimes,
    inject: (event) => {
      received.push(event)
      provenances.push({ arrival: 'injected', from: origin, bridge: 'fake' })
      return true
    },
    receive: (event, from, bridge) => {
      received.push(event)
      provenances.push({ arrival: 'received', from, bridge })
      return true
    },
    report: (error) => void errors.push(error),
    drop: (error) => {
      counts.dropped++
      errors.push(error)
    },
    missed: (error) => {
      counts.gaps++
      errors.push(error)
    },
    leads: () => of(true),
    subscriptions: () => [],
    observeTime: (time) => void observedTimes.push(time),
  }
}
