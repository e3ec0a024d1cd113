import { BusError, type BusEvent } from '../../src/core/index'
import { jsonText, problemOf } from '../format'
import { button, formatBytes, h } from './dom'

/** Sends through the bus, policies and all; returns the event sent or throws what the bus threw. */
export type Send = (system: string, kind: string, path: string, data: unknown) => BusEvent

/**
 * The editor that sends an event again, changed or not, through the bus. `largeBytes`: the data
 * is about that large, and is not put in the editor until asked (its JSON takes seconds to build
 * and a textarea of megabytes stalls the page); `undefined` for data of an ordinary size.
 */
export function resendForm(event: BusEvent, largeBytes: number | undefined, send: Send): HTMLElement {
  const system = h('input', { value: event.system, 'data-testid': 'resend-system', 'aria-label': 'system' })
  const kind = h('input', { value: event.kind, 'data-testid': 'resend-kind', 'aria-label': 'kind' })
  const path = h('input', { value: event.path, 'data-testid': 'resend-path', 'aria-label': 'path' })
  const data = h('textarea', { 'data-testid': 'resend-data', 'aria-label': 'data as JSON' })
  const note = largeBytes === undefined ? fill(data, event.data) : loadOnDemand(data, event.data, largeBytes)
  const result = h('span', { class: 'status', 'data-testid': 'resend-result' })
  const sendAgain = () => {
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
      const sent = send(system.value, kind.value, path.value, payload)
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
    h('div', { class: 'actions' }, button('send', sendAgain, { 'data-testid': 'resend' }), result),
  )
}

/** Puts the data in the editor as JSON; data JSON cannot hold (BigInt, a cycle) leaves it empty, saying why, to type anew. */
function fill(editor: HTMLTextAreaElement, data: unknown): HTMLElement | null {
  const shown = jsonText(data, 2)
  editor.value = shown.text ?? ''
  return shown.problem === undefined ? null : h('p', { class: 'note', 'data-testid': 'resend-note' }, `(cannot be shown as JSON: ${shown.problem})`)
}

function loadOnDemand(editor: HTMLTextAreaElement, data: unknown, bytes: number): HTMLElement {
  const note = h('p', { class: 'note', 'data-testid': 'resend-note' }, `(the data is about ${formatBytes(bytes)}: not loaded into the editor) `)
  note.appendChild(button('load it', () => note.replaceWith(fill(editor, data) ?? ''), { 'data-testid': 'resend-load' }))
  return note
}
