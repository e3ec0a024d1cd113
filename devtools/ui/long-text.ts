import { button, h } from './dom'

// Text laid out at first, at most: laying out megabytes of text stalls the page (a 50 MB string
// took 66 s to show). The rest is a click away.
export const SHOWN_CHARS = 10_000
// Past this, all of the text is saved as a file rather than laid out: in the page, or in a tab
// of the same site (which shares the page's renderer), it would stall the app for as long.
const INLINE_CHARS = 1_000_000
// How long the saved text stays readable from its blob URL (the download has it by then).
const BLOB_URL_MS = 60_000
// A table cell shows one line of a few hundred pixels: this is already more than fits.
const CELL_CHARS = 500

/**
 * Text that may be huge, in a span: cut at {@link SHOWN_CHARS} with a button that shows all of it,
 * here up to a million characters, saved as a file past that. `full` builds the whole text only
 * when asked (a long string's JSON is a copy as long again); `saved` is what the file holds
 * (default: the same).
 */
export function longText(preview: string, length: number, full: () => string, className?: string, saved: () => string = full): HTMLElement {
  if (length <= SHOWN_CHARS) return h('span', { class: className }, preview)
  const shown = h('span', { class: className }, preview.slice(0, SHOWN_CHARS), '…')
  if (length > INLINE_CHARS) return h('span', {}, shown, ' ', button(`save all ${length.toLocaleString('en')} characters`, () => saveAsFile(saved()), { class: 'more', 'data-testid': 'show-all' }))
  const whole = h('span', {}, shown, ' ')
  whole.appendChild(button(`show all ${length.toLocaleString('en')} characters`, () => {
    shown.textContent = full()
    whole.replaceChildren(shown)
  }, { class: 'more', 'data-testid': 'show-all' }))
  return whole
}

/** `text` as a span cut at {@link SHOWN_CHARS}, with all of it a click away. */
export function clippedText(text: string, className?: string): HTMLElement {
  return longText(text, text.length, () => text, className)
}

/**
 * A string's JSON (quoted, escaped), cut at {@link SHOWN_CHARS}, with all of it a click away; a
 * file of it holds the string itself, which needs no JSON built (seconds, for 50 MB).
 */
export function jsonString(value: string, className?: string): HTMLElement {
  if (value.length <= SHOWN_CHARS) return h('span', { class: className }, JSON.stringify(value))
  return longText(JSON.stringify(value.slice(0, SHOWN_CHARS)).slice(0, -1), value.length, () => JSON.stringify(value), className, () => value)
}

/** What a table cell shows of `text`: a line, never megabytes. */
export function cellText(text: string): string {
  return text.length <= CELL_CHARS ? text : `${text.slice(0, CELL_CHARS)}…`
}

/** A tooltip of `text`: all of it up to {@link SHOWN_CHARS} (a tooltip of megabytes stalls the page; the detail has it all). */
export function tooltipText(text: string): string {
  return text.length <= SHOWN_CHARS ? text : `${text.slice(0, SHOWN_CHARS)}… (${text.length.toLocaleString('en')} characters: the detail has all of them)`
}

function saveAsFile(text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }))
  const link = h('a', {})
  link.href = url
  link.download = 'crossbus-text.txt'
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), BLOB_URL_MS)
}
