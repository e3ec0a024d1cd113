import { compilePattern, type BusEvent } from '../../core/index'

/** Which events cross the bridge in one direction: a system pattern and a kind filter, both optional. */
export interface NatsFilter {
  /** A system pattern (`orders`, `orders.*`, `orders.**`, `{orders,users}`); every system if absent. */
  readonly system?: string
  /** A kind filter in the same glob language; every kind if absent. */
  readonly kind?: string
}

/**
 * Compiles a list of filters into one predicate: an event matches when any filter matches it.
 * Malformed patterns throw `MALFORMED_PATTERN` now, not at the first event.
 */
export function compileFilters(filters: readonly NatsFilter[], what: string): (event: Pick<BusEvent, 'system' | 'kind'>) => boolean {
  const compiled = filters.map((filter) => ({
    system: filter.system === undefined ? undefined : compilePattern(filter.system, `${what} system pattern`),
    kind: filter.kind === undefined ? undefined : compilePattern(filter.kind, `${what} kind filter`),
  }))
  return (event) => compiled.some(({ system, kind }) => (system === undefined || system.test(event.system)) && (kind === undefined || kind.test(event.kind)))
}
