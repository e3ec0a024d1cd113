import { problemOf, textOf } from '../format'
import { h, type Child } from './dom'

// Children of a collapsed node are built when it is first opened: a large payload costs nothing
// until someone looks inside it.
const OPEN_DEPTH = 1
const MAX_CHILDREN = 500

/**
 * Event data as a collapsible tree (`<details>`), every key and value as text. Handles what
 * structured clone carries besides JSON: Map, Set, Date, typed arrays, cycles.
 */
export function jsonTree(value: unknown): HTMLElement {
  return h('div', { class: 'tree' }, node(undefined, value, 0, new Set()))
}

function node(key: string | undefined, value: unknown, depth: number, ancestors: Set<object>): Child {
  const label = key === undefined ? null : h('span', { class: 'key' }, `${key}: `)
  let entries: [string, unknown][] | undefined
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
  const details = h('details', { 'data-path': key ?? '$' }, h('summary', {}, label, h('span', { class: 'note' }, summaryOf(value, entries.length))))
  const inner = new Set(ancestors).add(value as object)
  let built = false
  const build = () => {
    if (built) return
    built = true
    for (const [childKey, childValue] of entries.slice(0, MAX_CHILDREN)) details.appendChild(node(childKey, childValue, depth + 1, inner) as Node)
    if (entries.length > MAX_CHILDREN) details.appendChild(h('div', { class: 'leaf note' }, `… ${entries.length - MAX_CHILDREN} more`))
  }
  if (depth < OPEN_DEPTH) {
    details.open = true
    build()
  } else {
    details.addEventListener('toggle', build)
  }
  return details
}

function entriesOf(value: unknown): [string, unknown][] | undefined {
  if (typeof value !== 'object' || value === null || value instanceof Date || value instanceof RegExp) return undefined
  if (Array.isArray(value)) return value.map((item, i) => [String(i), item])
  if (value instanceof Map) return [...value].map(([k, v], i) => [`${i} ${typeof k === 'string' ? k : textOf(k)}`, v])
  if (value instanceof Set) return [...value].map((v, i) => [String(i), v])
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return undefined
  if (value instanceof Error) return [['name', value.name], ['message', value.message]]
  return Object.entries(value)
}

function summaryOf(value: unknown, count: number): string {
  if (Array.isArray(value)) return `Array(${count})`
  if (value instanceof Map) return `Map(${count})`
  if (value instanceof Set) return `Set(${count})`
  return `{…} ${count} key${count === 1 ? '' : 's'}`
}

function leaf(value: unknown): HTMLElement {
  if (typeof value === 'string') return h('span', { class: 'string' }, JSON.stringify(value))
  if (typeof value === 'number' || typeof value === 'bigint') return h('span', { class: 'number' }, String(value))
  if (typeof value === 'boolean') return h('span', { class: 'boolean' }, String(value))
  if (value === null || value === undefined) return h('span', { class: 'null' }, String(value))
  if (value instanceof Date) return h('span', { class: 'string' }, `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`)
  if (value instanceof ArrayBuffer) return h('span', { class: 'note' }, `ArrayBuffer(${value.byteLength})`)
  if (ArrayBuffer.isView(value)) return h('span', { class: 'note' }, `${value.constructor.name}(${value.byteLength} bytes)`)
  return h('span', {}, textOf(value))
}
