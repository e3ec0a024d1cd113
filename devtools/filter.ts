import { BusError } from '../src/core/errors'
import { compilePattern } from '../src/core/pattern'
import { dataJson, type DevtoolsRecord } from './records'

/** What the filter bar holds; an empty field does not filter. */
export interface FilterState {
  /** A system glob in the bus's own pattern syntax: `orders.*`, `{cart,orders}.**`. */
  readonly system: string
  /** A kind glob: `order.*`. */
  readonly kind: string
  /** Part of the path, any case. */
  readonly path: string
  /** One bus instance id. */
  readonly origin: string
  /** Text anywhere in the data as JSON, any case. */
  readonly text: string
}

export const EMPTY_FILTER: FilterState = { system: '', kind: '', path: '', origin: '', text: '' }
const FIELDS = Object.keys(EMPTY_FILTER) as (keyof FilterState)[]

export interface CompiledFilter {
  readonly test: (record: DevtoolsRecord) => boolean
  /** Why a glob field was ignored (malformed), for the status line. */
  readonly problem: string | undefined
  readonly empty: boolean
}

/**
 * Compiles the filter once per change. Glob answers are cached per name, so a filter change over
 * 100,000 buffered events costs a few map lookups per event; the data is turned into JSON once per
 * event, the first time a text filter needs it.
 */
export function compileFilter(state: FilterState): CompiledFilter {
  const tests: ((record: DevtoolsRecord) => boolean)[] = []
  const problems: string[] = []
  const glob = (source: string, what: string, pick: (record: DevtoolsRecord) => string) => {
    if (source === '') return
    try {
      const pattern = compilePattern(source, what)
      const answers = new Map<string, boolean>()
      tests.push((record) => {
        const name = pick(record)
        let answer = answers.get(name)
        if (answer === undefined) answers.set(name, (answer = pattern.test(name)))
        return answer
      })
    } catch (error) {
      problems.push(error instanceof BusError ? error.message : String(error))
    }
  }
  glob(state.system.trim(), 'system filter', (record) => record.event.system)
  glob(state.kind.trim(), 'kind filter', (record) => record.event.kind)
  const path = state.path.trim().toLowerCase()
  if (path !== '') tests.push((record) => record.event.path.toLowerCase().includes(path))
  const origin = state.origin
  if (origin !== '') tests.push((record) => record.event.origin === origin)
  const text = state.text.trim().toLowerCase()
  if (text !== '') tests.push((record) => dataJson(record).toLowerCase().includes(text))
  const test =
    tests.length === 0 ? () => true : tests.length === 1 ? tests[0]! : (record: DevtoolsRecord) => tests.every((check) => check(record))
  return { test, problem: problems.length > 0 ? problems.join(' ') : undefined, empty: tests.length === 0 }
}

/** The filter as URL query parameters (only the fields in use). */
export function filterToQuery(state: FilterState, into: URLSearchParams): URLSearchParams {
  for (const field of FIELDS) {
    if (state[field] === '') into.delete(field)
    else into.set(field, state[field])
  }
  return into
}

/** The filter a URL's query holds. */
export function filterFromQuery(query: URLSearchParams): FilterState {
  const state: Record<keyof FilterState, string> = { ...EMPTY_FILTER }
  for (const field of FIELDS) state[field] = query.get(field) ?? ''
  return state
}
