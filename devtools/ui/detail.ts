import { BusError, type BusEvent } from '../../src/core/index'
import { toCloudEvent } from '../../src/cloudevents/event'
import { dateAt, jsonText, problemOf, textOf } from '../format'
import { dataJson, type DevtoolsRecord } from '../records'
import { button, clockTime, copyText, h, type Child } from './dom'
import { jsonTree } from './json-tree'

export interface DetailContext {
  /** A readable name for a bus instance id. */
  readonly labelOf: (origin: string) => string
  /** Sends through the bus, policies and all; returns the event sent or throws what the bus threw. */
  readonly send: (system: string, kind: string, path: string, data: unknown) => BusEvent
}

/** The selected event: its fields, its data as a tree, its CloudEvent, and an editor to send it again. */
export function renderDetail(record: DevtoolsRecord, context: DetailContext): HTMLElement {
  const { event } = record
  const cloudEvent = cloudEventText(event)
  const status = h('span', { class: 'status', 'data-testid': 'copy-status' })
  const copy = (what: string, text: string) =>
    void copyText(text).then((ok) => (status.textContent = ok ? `${what} copied` : `${what}: the page may not use the clipboard`))
  return h(
    'div',
    { class: 'detail-body', 'data-testid': 'detail' },
    h('div', { class: 'meta' }, ...meta(record, context)),
    h('h3', {}, 'data', button('copy', () => copy('data', dataJson(event)), { 'data-testid': 'copy-data' })),
    jsonTree(event.data),
    h('h3', {}, 'CloudEvent', button('copy', () => copy('CloudEvent', cloudEvent), { 'data-testid': 'copy-cloudevent' }), status),
    h('pre', { 'data-testid': 'cloudevent' }, cloudEvent),
    h('h3', {}, 'edit and send again'),
    resendForm(event, context),
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
  return rows.flatMap(([key, value]) => [h('span', { class: 'k' }, key), h('span', {}, value)])
}

/** The local clock time and the UTC date, or why there is none (a forged or damaged event's time). */
function timeText(time: number): string {
  const date = dateAt(time)
  return date ? `${clockTime(time)} (${date.toISOString()})` : `(invalid time: ${textOf(time)})`
}

function cloudEventText(event: BusEvent): string {
  try {
    return JSON.stringify(toCloudEvent(event), null, 2)
  } catch (error) {
    return `This event has no CloudEvent form: ${problemOf(error)}`
  }
}

function resendForm(event: BusEvent, context: DetailContext): HTMLElement {
  const system = h('input', { value: event.system, 'data-testid': 'resend-system', 'aria-label': 'system' })
  const kind = h('input', { value: event.kind, 'data-testid': 'resend-kind', 'aria-label': 'kind' })
  const path = h('input', { value: event.path, 'data-testid': 'resend-path', 'aria-label': 'path' })
  const data = h('textarea', { 'data-testid': 'resend-data', 'aria-label': 'data as JSON' })
  // Data JSON cannot hold (BigInt, a cycle) leaves the editor empty, saying why, to type anew.
  const shown = jsonText(event.data, 2)
  data.value = shown.text ?? ''
  const note = shown.problem === undefined ? null : h('p', { class: 'note', 'data-testid': 'resend-note' }, `(cannot be shown as JSON: ${shown.problem})`)
  const result = h('span', { class: 'status', 'data-testid': 'resend-result' })
  const send = () => {
    result.classList.remove('bad')
    let payload: unknown
    try {
      payload = data.value.trim() === '' ? undefined : JSON.parse(data.value)
    } catch (error) {
      result.classList.add('bad')
      result.textContent = `The data is not JSON: ${problemOf(error)}`
      return
    }
    try {
      const sent = context.send(system.value, kind.value, path.value, payload)
      result.textContent = `sent as ${sent.id}`
    } catch (error) {
      result.classList.add('bad')
      result.textContent = error instanceof BusError ? `${error.code}: ${error.message}` : problemOf(error)
    }
  }
  return h(
    'div',
    { class: 'resend' },
    h('span', {}, 'system'), system,
    h('span', {}, 'kind'), kind,
    h('span', {}, 'path'), path,
    note,
    data,
    h('div', { class: 'actions' }, button('send', send, { 'data-testid': 'resend' }), result),
  )
}
