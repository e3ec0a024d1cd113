import { h } from './dom'
import type { OriginLabels } from './labels'

// Origins the filter lists, at most, besides the live contexts: any script of the origin can
// inject events under made-up origins, and a select of tens of thousands stalls the page.
const MAX_LISTED = 100
// Distinct origins counted past the list, at most; the count then says "or more".
const MAX_COUNTED = 100_000

/**
 * The origin filter's choices: every origin seen in an event, up to a hundred, plus every live
 * context (they have a label from `peers$`) however many others came first; the rest are counted
 * in a last, disabled line that says how many are left out.
 */
export class OriginChoices {
  readonly element: HTMLSelectElement
  private readonly listed = new Set<string>()
  private readonly unlisted = new Set<string>()
  private readonly more: HTMLOptionElement

  constructor(
    private readonly labels: OriginLabels,
    selected: string,
  ) {
    this.more = h('option', { value: '', hidden: true, 'data-testid': 'origins-left-out' })
    this.more.disabled = true
    this.element = h('select', { 'aria-label': 'origin filter', 'data-testid': 'filter-origin' }, h('option', { value: '' }, 'every origin'), this.more)
    // The one chosen (from a URL, say) is listed even before any event of it arrives.
    if (selected !== '') this.add(selected)
    this.element.value = selected
  }

  /** An origin of an event: listed while there is room (or when it is a live context), counted after. */
  see(origin: string): void {
    if (this.listed.has(origin) || this.unlisted.has(origin)) return
    if (this.listed.size < MAX_LISTED || this.labels.has(origin)) this.add(origin)
    else if (this.unlisted.size < MAX_COUNTED) {
      this.unlisted.add(origin)
      this.sayLeftOut()
    }
  }

  /** Labels changed (a context joined): lists the live contexts left out so far, and names every choice. */
  relabel(): void {
    for (const origin of this.labels.known()) {
      if (this.unlisted.delete(origin)) this.add(origin)
    }
    this.sayLeftOut()
    for (const option of this.element.options) {
      if (option.value) option.textContent = `${this.labels.of(option.value)} (${option.value.slice(0, 6)})`
    }
  }

  private add(origin: string): void {
    this.listed.add(origin)
    this.element.insertBefore(h('option', { value: origin }, `${this.labels.of(origin)} (${origin.slice(0, 6)})`), this.more)
  }

  private sayLeftOut(): void {
    const count = this.unlisted.size
    this.more.hidden = count === 0
    // Empty while hidden: a select is as wide as its longest option, hidden or not.
    this.more.textContent = count === 0 ? '' : `${count.toLocaleString('en')}${count >= MAX_COUNTED ? '+' : ''} more origin${count === 1 ? '' : 's'} not listed`
  }
}
