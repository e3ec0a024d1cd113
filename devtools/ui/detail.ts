import type { BusEvent } from '../../src/core/index'
import { toCloudEvent } from '../../src/cloudevents/index'
import { dateAt, jsonText, problemOf, textOf, type JsonText } from '../format'
import { dataJson, type DevtoolsRecord } from '../records'
import { button, clockTime, copyText, formatBytes, h, type Child } from './dom'
import { jsonTree } from './json-tree'
import { clippedText } from './long-text'
import { resendForm, type Send } from './resend-form'

// An event estimated larger than this opens with no JSON of its data built (the tree needs none):
// JSON.stringify of a 50 MB string took 6 s on a loaded machine, once for the CloudEvent and once
// for the editor. Both are a click away.
const LARGE_BYTES = 1024 * 1024

export interface DetailContext {
  /** A readable name for a bus instance id. */
  readonly labelOf: (origin: string) => string
  readonly send: Send
}

/** The selected event: its fields, its data as a tree, its CloudEvent, and an editor to send it again. */
export function renderDetail(record: DevtoolsRecord, context: DetailContext): HTMLElement {
  const { event } = record
  const largeBytes = record.bytes > LARGE_BYTES ? record.bytes : undefined
  const status = h('span', { class: 'status', 'data-testid': 'copy-status' })
  const copy = (what: string, text: () => string) =>
    void copyText(text()).then((ok) => (status.textContent = ok ? `${what} copied` : `${what}: the page may not use the clipboard`))
  // A large event's CloudEvent is shown without its data (shown above); copy builds all of it.
  const cloudEvent = cloudEventText(largeBytes === undefined ? event : { ...event, data: undefined })
  return h(
    'div',
    { class: 'detail-body', 'data-testid': 'detail' },
    h('div', { class: 'meta' }, ...meta(record, context)),
    h('h3', {}, 'data', button('copy', () => copy('data', () => dataJson(event)), { 'data-testid': 'copy-data' })),
    jsonTree(event.data),
    h('h3', {}, 'CloudEvent', button('copy', () => copy('CloudEvent', () => (largeBytes === undefined ? cloudEvent : cloudEventText(event))), { 'data-testid': 'copy-cloudevent' }), status),
    h('pre', { 'data-testid': 'cloudevent' }, clippedText(cloudEvent)),
    largeBytes === undefined ? null : h('p', { class: 'note', 'data-testid': 'cloudevent-note' }, `Its data (about ${formatBytes(largeBytes)}) is left out here: it is above, and copy gives the whole CloudEvent.`),
    h('h3', {}, 'edit and send again'),
    resendForm(event, largeBytes, context.send),
  )
}

function meta(record: DevtoolsRecord, context: DetailContext): Child[] {
  const { event } = record
  const rows: [string, string][] = [
    ['id', event.id],
    ['system', event.system],
    ['kind', event.kind],
    ['path', event.path],
    ['time', timeText(event.time)],
    ['origin', `${context.labelOf(event.origin)} · ${event.origin}`],
    ['seq', String(event.seq)],
    ['arrival', record.arrival + (record.bridge ? ` via bridge ${record.bridge}` : '') + (record.arrival === 'received' ? ` from ${context.labelOf(record.from)}` : '')],
  ]
  return rows.flatMap(([key, value]) => [h('span', { class: 'k' }, key), clippedText(value)])
}

/** The local clock time and the UTC date, or why there is none (a forged or damaged event's time). */
function timeText(time: number): string {
  const date = dateAt(time)
  return date ? `${clockTime(time)} (${date.toISOString()})` : `(invalid time: ${textOf(time)})`
}

function cloudEventText(event: BusEvent): string {
  let shown: JsonText
  try {
    shown = jsonText(toCloudEvent(event), 2)
  } catch (error) {
    return `This event has no CloudEvent form: ${problemOf(error)}`
  }
  return shown.text ?? `This event has no CloudEvent form: ${shown.problem}`
}
