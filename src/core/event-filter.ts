import { busError } from './errors'
import type { BusEvent } from './event'
import { compilePattern } from './pattern'
import { describeValue } from './validate'

/**
 * Which events a module takes: a system pattern and a kind filter in the bus's own glob language
 * (as `bus.subscribe(system, kind)` takes them), both optional. Destinations, bridges and devtools
 * filter with it, and so can any plugin.
 */
export interface EventFilter {
  /** A system pattern (`orders`, `orders.*`, `orders.**`, `{orders,users}`); every system if absent. */
  readonly system?: string
  /** A kind filter in the same glob language; every kind if absent. */
  readonly kind?: string
}

/** A compiled {@link EventFilter}: whether an event's system and kind match. */
export type EventTest = (event: Pick<BusEvent, 'system' | 'kind'>) => boolean

/**
 * Compiles one filter, or a list of filters an event matches when any one matches, once: a
 * malformed pattern or an unknown field throws `INVALID` now, not at the first event. `where`
 * names the option in error messages (`destinations: filter`).
 *
 * @example
 * const test = compileEventFilter({ system: 'orders.*', kind: 'order.created' }, 'myPlugin: filter')
 * test({ system: 'orders.eu', kind: 'order.created' }) // true
 */
export function compileEventFilter(filter: EventFilter | readonly EventFilter[] | undefined, where = 'filter'): EventTest {
  if (filter === undefined) return always
  if (Array.isArray(filter)) {
    const tests = filter.map((one, index) => compileOne(one, `${where}[${index}]`))
    return (event) => tests.some((test) => test(event))
  }
  return compileOne(filter as EventFilter, where)
}

function compileOne(filter: unknown, where: string): EventTest {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw busError('INVALID_ARGUMENT', `${where} must be { system?, kind? }, got ${describeValue(filter)}.`)
  }
  const { system, kind, ...unknown } = filter as Record<string, unknown>
  const extra = Object.keys(unknown)[0]
  if (extra !== undefined) throw busError('INVALID_ARGUMENT', `${where}: unknown field "${extra}"; the fields are system, kind.`)
  const systems = system === undefined ? undefined : compilePattern(system, `${where}.system`)
  const kinds = kind === undefined ? undefined : compilePattern(kind, `${where}.kind`)
  if (systems === undefined && kinds === undefined) return always
  return (event) => (systems === undefined || systems.test(event.system)) && (kinds === undefined || kinds.test(event.kind))
}

function always(): boolean {
  return true
}
