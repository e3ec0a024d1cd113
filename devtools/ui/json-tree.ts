import { problemOf, textOf } from '../format'
import { h, type Child } from './dom'
import { clippedText, jsonString } from './long-text'

// Children of a collapsed node are built when it is first opened: a large payload costs nothing
// until someone looks inside it.
const OPEN_DEPTH = 1
const MAX_CHILDREN = 500
// Where an array has no element (`[1, , 3]`, or `a.length = 1e9`): JSON writes null, the tree says so.
const HOLE: unique symbol = Symbol('hole')

/** The first entries of a container (at most MAX_CHILDREN, read without walking the rest) and how many it has. */
interface Entries {
  readonly count: number
  readonly first: readonly (readonly [string, unknown])[]
}

/**
 * Event data as a collapsible tree (`<details>`), every key and value as text. Handles what
 * structured clone carries besides JSON: Map, Set, Date, typed arrays, cycles, arrays with holes;
 * a long string shows its start, with the rest a click away.
 */
export function jsonTree(value: unknown): HTMLElement {
  return h('div', { class: 'tree' }, node(undefined, value, 0, new Set()))
}

function node(key: string | undefined, value: unknown, depth: number, ancestors: Set<object>): Child {
  const label = key === undefined ? null : h('span', { class: 'key' }, clippedText(key), ': ')
  let entries: Entries | undefined
  let shown: HTMLElement | undefined
  try {
    entries = entriesOf(value)
    if (entries === undefined) shown = leaf(value)
  } catch (error) {
    // A getter that throws, a revoked proxy, a fake Date: the rest of the tree still shows.
    shown = h('span', { class: 'note' }, `(cannot be shown: ${problemOf(error)})`)
  }
  if (shown || !entries) return h('div', { class: 'leaf' }, label, shown)
  if (ancestors.has(value as object)) return h('div', { class: 'leaf' }, label, h('span', { class: 'note' }, '[circular]'))
  const { count, first } = entries
  const details = h('details', { 'data-path': key ?? '$' }, h('summary', {}, label, h('span', { class: 'note' }, summaryOf(value, count))))
  const inner = new Set(ancestors).add(value as object)
  let built = false
  const build = () => {
    if (built) return
    built = true
    for (const [childKey, childValue] of first) details.appendChild(node(childKey, childValue, depth + 1, inner) as Node)
    if (count > first.length) details.appendChild(h('div', { class: 'leaf note' }, `… ${count - first.length} more`))
  }
  if (depth < OPEN_DEPTH) {
    details.open = true
    build()
  } else {
    details.addEventListener('toggle', build)
  }
  return details
}

/** The entries of a container, `undefined` for a value shown as a leaf. */
export function entriesOf(value: unknown): Entries | undefined {
  if (typeof value !== 'object' || value === null || value instanceof Date || value instanceof RegExp) return undefined
  if (Array.isArray(value)) {
    const first: [string, unknown][] = []
    for (let i = 0; i < value.length && i < MAX_CHILDREN; i++) first.push([String(i), i in value ? value[i] : HOLE])
    return { count: value.length, first }
  }
  if (value instanceof Map) return firstOf(value.size, value.entries(), (entry, i) => { const [k, v] = entry as [unknown, unknown]; return [`${i} ${typeof k === 'string' ? k : textOf(k)}`, v] })
  if (value instanceof Set) return firstOf(value.size, value.values(), (item, i) => [String(i), item])
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return undefined
  if (value instanceof Error) return { count: 2, first: [['name', value.name], ['message', value.message]] }
  const keys = Object.keys(value)
  const record = value as Record<string, unknown>
  return { count: keys.length, first: keys.slice(0, MAX_CHILDREN).map((k) => [k, record[k]]) }
}

function firstOf(count: number, items: Iterator<unknown>, entry: (item: unknown, index: number) => [string, unknown]): Entries {
  const first: [string, unknown][] = []
  for (let next = items.next(); !next.done && first.length < MAX_CHILDREN; next = items.next()) first.push(entry(next.value, first.length))
  return { count, first }
}

function summaryOf(value: unknown, count: number): string {
  if (Array.isArray(value)) return `Array(${count})`
  if (value instanceof Map) return `Map(${count})`
  if (value instanceof Set) return `Set(${count})`
  return `{…} ${count} key${count === 1 ? '' : 's'}`
}

function leaf(value: unknown): HTMLElement {
  if (value === HOLE) return h('span', { class: 'note' }, '(empty)')
  if (typeof value === 'string') return jsonString(value, 'string')
  if (typeof value === 'number' || typeof value === 'bigint') return clippedText(String(value), 'number')
  if (typeof value === 'boolean') return h('span', { class: 'boolean' }, String(value))
  if (value === null || value === undefined) return h('span', { class: 'null' }, String(value))
  if (value instanceof Date) return h('span', { class: 'string' }, `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`)
  if (value instanceof ArrayBuffer) return h('span', { class: 'note' }, `ArrayBuffer(${value.byteLength})`)
  if (ArrayBuffer.isView(value)) return h('span', { class: 'note' }, `${value.constructor.name}(${value.byteLength} bytes)`)
  return clippedText(textOf(value))
}
