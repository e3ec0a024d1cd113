import type { Subscription } from 'rxjs'
import { BusError } from '../../src/core/index'
import type { DeadLetter, DestinationConfig, Destinations, DestinationStatus } from '../../src/destinations/index'
import { button, clockTime, h, replaceChildren } from './dom'
import { describeFailures } from './failures'

// While the tab is shown, the list and the dead letters are read again this often: another tab
// may add a destination, or retry and discard letters, which no status tells of.
const REFRESH_EVERY_MS = 2_000

/** What one destination's card holds, so a status update rewrites a few texts and nothing else. */
interface Card {
  readonly element: HTMLElement
  readonly config: HTMLElement
  readonly status: Record<StatusField, HTMLElement>
  readonly letters: HTMLElement
  readonly lettersTitle: HTMLElement
  readonly message: HTMLElement
  /** The dead letters drawn last, as `id@failedAt` keys: a refresh that finds the same draws nothing. */
  drawn: string | undefined
  /** The status the dead letters were last read for (`failed` and the last error). */
  readFor: string | undefined
  /** How many dead letters the last read found (`undefined` before the first). */
  lettersLeft: number | undefined
  /** The last error seen (code and message), and the delivered count when it was first seen. */
  errorSeen: string | undefined
  deliveredWhenSeen: number | undefined
}

type StatusField = 'pending' | 'delivered' | 'failed' | 'last-error' | 'next-retry' | 'paused'
const STATUS_FIELDS: readonly [StatusField, string][] = [
  ['pending', 'pending'],
  ['delivered', 'delivered'],
  ['failed', 'failed'],
  ['last-error', 'last error'],
  ['next-retry', 'next retry'],
  ['paused', 'paused'],
]

/**
 * The destinations tab: every destination of the handle the app gave `mountDevtools`, its live
 * status from `status$`, and its dead letters, each with Retry and Discard, which call the handle.
 * Everything is text: a URL, an error message or a path a sender chose is never parsed as markup.
 */
export class DestinationsView {
  readonly element: HTMLElement
  private readonly list: HTMLElement
  private readonly note: HTMLElement
  private readonly cards = new Map<string, Card>()
  private configs: DestinationConfig[] = []
  private readonly statuses = new Map<string, DestinationStatus>()
  private watching: Subscription | undefined
  private timer: ReturnType<typeof setInterval> | undefined
  /** The panel is open (`start`ed). */
  private open = false
  /** The tab is the one shown. */
  private shown = false
  private listing = false
  private listAgain = false
  private readonly reading = new Set<string>()
  private readonly readAgain = new Set<string>()

  constructor(private readonly handle: Destinations) {
    this.note = h('p', { class: 'status', 'data-testid': 'destinations-note' }, 'reading the destinations…')
    this.list = h('div', { class: 'destinations' })
    this.element = h('div', { class: 'view section', hidden: true, 'data-testid': 'destinations' }, this.note, this.list)
  }

  /** The panel opened: follows `status$` (a closed panel watches nothing). */
  start(): void {
    this.open = true
    this.watching ??= this.handle.status$.subscribe({
      next: (statuses) => this.statusesChanged(statuses),
      // status$ completes when the app closes the handle: the last figures stay, and say so.
      complete: () => this.say('These destinations were closed (close()): the figures are the last ones.'),
    })
    this.schedule()
  }

  /** The panel closed. */
  stop(): void {
    this.open = false
    this.watching?.unsubscribe()
    this.watching = undefined
    this.schedule()
  }

  /** The tab is shown or hidden: only a shown tab of an open panel reads the store. */
  show(shown: boolean): void {
    this.shown = shown
    this.element.hidden = !shown
    this.schedule()
  }

  private get active(): boolean {
    return this.open && this.shown
  }

  private schedule(): void {
    if (this.active === (this.timer !== undefined)) return
    if (this.timer !== undefined) {
      clearInterval(this.timer)
      this.timer = undefined
      return
    }
    this.timer = setInterval(() => this.refresh(), REFRESH_EVERY_MS)
    this.refresh()
  }

  private refresh(): void {
    void this.relist()
    for (const id of this.cards.keys()) void this.readLetters(id)
    // "next retry: in 3 s" moves on with time.
    for (const [id, card] of this.cards) this.drawStatus(card, this.statuses.get(id))
  }

  private statusesChanged(statuses: readonly DestinationStatus[]): void {
    this.statuses.clear()
    for (const status of statuses) this.statuses.set(status.id, status)
    // A destination added or removed (here or in another tab) shows in status$ first.
    const known = this.configs.map((config) => config.id).join('\u0000')
    if (statuses.map((status) => status.id).join('\u0000') !== known) void this.relist()
    for (const [id, card] of this.cards) {
      const status = this.statuses.get(id)
      this.drawStatus(card, status)
      // A failure moves letters in; read them again when the count or the error changed.
      const readFor = status ? `${status.failed}:${status.lastError?.code ?? ''}` : undefined
      if (readFor !== card.readFor) {
        card.readFor = readFor
        if (this.active) void this.readLetters(id)
      }
    }
  }

  /** Reads `list()`; calls while one is running make one more read after it. */
  private async relist(): Promise<void> {
    if (this.listing) {
      this.listAgain = true
      return
    }
    this.listing = true
    try {
      do {
        this.listAgain = false
        try {
          this.configs = await this.handle.list()
          this.say(this.configs.length === 0 ? 'No destinations yet: add one with add({ id, type, url }).' : undefined)
        } catch (error) {
          this.say(`The destinations could not be read: ${describeError(error)}`, true)
        }
        this.drawCards()
      } while (this.listAgain)
    } finally {
      this.listing = false
    }
  }

  private drawCards(): void {
    const ids = new Set(this.configs.map((config) => config.id))
    for (const [id, card] of this.cards) {
      if (ids.has(id)) continue
      card.element.remove()
      this.cards.delete(id)
    }
    for (const config of this.configs) {
      let card = this.cards.get(config.id)
      if (!card) {
        card = this.newCard(config.id)
        this.cards.set(config.id, card)
        if (this.active) void this.readLetters(config.id)
      }
      replaceChildren(card.config, ...pairs(describeConfig(config)))
      this.drawStatus(card, this.statuses.get(config.id))
      // In list() order, each card moved (not rebuilt) where it belongs.
      this.list.appendChild(card.element)
    }
  }

  private newCard(id: string): Card {
    const status = {} as Record<StatusField, HTMLElement>
    const statusPairs = STATUS_FIELDS.flatMap(([field, label]) => [h('span', { class: 'k' }, label), (status[field] = h('span', { 'data-field': field }, '—'))])
    const config = h('div', { class: 'meta', 'data-testid': 'destination-config' })
    const lettersTitle = h('span', {}, 'dead letters')
    const letters = h('div', { 'data-testid': 'dead-letters' }, h('span', { class: 'status' }, 'reading…'))
    const message = h('span', { class: 'status', 'data-testid': 'destination-message' })
    const element = h(
      'div',
      { class: 'destination', 'data-testid': 'destination', 'data-id': id },
      h('h3', {}, id),
      config,
      h('div', { class: 'meta', 'data-testid': 'destination-status' }, ...statusPairs),
      h('h4', {}, lettersTitle, message),
      letters,
    )
    return { element, config, status, letters, lettersTitle, message, drawn: undefined, readFor: undefined, lettersLeft: undefined, errorSeen: undefined, deliveredWhenSeen: undefined }
  }

  private drawStatus(card: Card, status: DestinationStatus | undefined): void {
    const set = (field: StatusField, text: string, bad = false) => {
      card.status[field].textContent = text
      card.status[field].classList.toggle('bad', bad)
    }
    if (!status) {
      for (const [field] of STATUS_FIELDS) set(field, '—')
      return
    }
    set('pending', String(status.pending))
    set('delivered', String(status.delivered))
    const errorSeen = status.lastError ? `${String(status.lastError.code)}\u0000${status.lastError.message}` : undefined
    if (errorSeen !== card.errorSeen) {
      card.errorSeen = errorSeen
      card.deliveredWhenSeen = status.delivered
    }
    const failures = describeFailures(status, card.lettersLeft, card.deliveredWhenSeen)
    set('failed', failures.failed, failures.failedBad)
    set('last-error', failures.lastError, failures.lastErrorBad)
    set('next-retry', status.nextRetryAt === undefined ? '—' : `${clockTime(status.nextRetryAt)} (in ${Math.max(0, Math.ceil((status.nextRetryAt - Date.now()) / 1000))} s)`)
    set('paused', status.paused === 'offline' ? 'yes: the browser is offline' : status.paused === 'no-headers' ? 'yes: the leading context has no getHeaders for it' : 'no', status.paused !== undefined)
  }

  /** Reads one destination's dead letters; calls while a read is running make one more after it. */
  private async readLetters(id: string): Promise<void> {
    if (this.reading.has(id)) {
      this.readAgain.add(id)
      return
    }
    this.reading.add(id)
    try {
      do {
        this.readAgain.delete(id)
        let letters: DeadLetter[]
        try {
          letters = await this.handle.deadLetters(id)
        } catch (error) {
          const card = this.cards.get(id)
          if (card) this.tell(card, `The dead letters could not be read: ${describeError(error)}`, true)
          continue
        }
        const card = this.cards.get(id)
        if (card) this.drawLetters(card, letters)
      } while (this.readAgain.has(id))
    } finally {
      this.reading.delete(id)
    }
  }

  private drawLetters(card: Card, letters: readonly DeadLetter[]): void {
    const drawn = letters.map((letter) => `${letter.event.id}@${letter.failedAt}`).join('\u0000')
    card.lettersTitle.textContent = `dead letters (${letters.length})`
    if (card.lettersLeft !== letters.length) {
      card.lettersLeft = letters.length
      this.drawStatus(card, this.statuses.get(card.element.dataset.id!))
    }
    // The same letters as drawn: leave the rows (and a button about to be clicked) alone.
    if (drawn === card.drawn) return
    card.drawn = drawn
    if (letters.length === 0) {
      replaceChildren(card.letters, h('span', { class: 'status' }, 'none'))
      return
    }
    const head = h('thead', {}, h('tr', {}, ...['failed at', 'system', 'kind', 'path', 'event', 'error', ''].map((title) => h('th', {}, title))))
    replaceChildren(card.letters, h('table', {}, head, h('tbody', {}, ...letters.map((letter) => this.letterRow(card, letter)))))
  }

  private letterRow(card: Card, letter: DeadLetter): HTMLElement {
    const { event, error } = letter
    const act = (what: 'retry' | 'discard') => {
      for (const control of actions.querySelectorAll('button')) control.disabled = true
      const done = what === 'retry' ? letter.retry() : letter.discard()
      done.then(
        () => this.tell(card, what === 'retry' ? `${event.id} is back in the outbox` : `${event.id} discarded`),
        (failure: unknown) => {
          for (const control of actions.querySelectorAll('button')) control.disabled = false
          this.tell(card, `${what === 'retry' ? 'Retry' : 'Discard'} failed: ${describeError(failure)}`, true)
        },
      ).finally(() => void this.readLetters(card.element.dataset.id!))
    }
    const actions = h(
      'td',
      { class: 'actions' },
      button('retry', () => act('retry'), { 'data-testid': 'retry', title: 'Put the event back in the outbox' }),
      button('discard', () => act('discard'), { 'data-testid': 'discard', title: 'Forget the event' }),
    )
    return h(
      'tr',
      { 'data-testid': 'dead-letter', 'data-event': event.id },
      h('td', {}, clockTime(letter.failedAt)),
      h('td', {}, event.system),
      h('td', {}, event.kind),
      h('td', { 'data-field': 'path' }, event.path),
      h('td', {}, event.id),
      h('td', { class: 'bad', 'data-field': 'error' }, `${String(error.code)}: ${error.message}`),
      actions,
    )
  }

  private tell(card: Card, message: string, bad = false): void {
    card.message.textContent = message
    card.message.title = message
    card.message.classList.toggle('bad', bad)
  }

  private say(message: string | undefined, bad = false): void {
    this.note.hidden = message === undefined
    this.note.textContent = message ?? ''
    this.note.classList.toggle('bad', bad)
  }
}

/** What a destination is, field by field, as text. */
function describeConfig(config: DestinationConfig): [string, string][] {
  const { system, kind } = config.filter ?? {}
  const filter = system === undefined && kind === undefined ? 'every event' : [system === undefined ? '' : `system ${system}`, kind === undefined ? '' : `kind ${kind}`].filter(Boolean).join(' · ')
  const mode = config.mode ?? 'structured'
  const batch = mode === 'batch' && config.batch ? ` (up to ${config.batch.maxEvents ?? 100} events, ${config.batch.maxDelayMs ?? 50} ms)` : ''
  return [
    ['type', config.type],
    ['url', config.url ?? '—'],
    ['filter', filter],
    ['mode', mode + batch],
  ]
}

function pairs(rows: readonly [string, string][]): HTMLElement[] {
  return rows.flatMap(([key, value]) => [h('span', { class: 'k' }, key), h('span', { 'data-field': key }, value)])
}

function describeError(error: unknown): string {
  return error instanceof BusError ? `${String(error.code)}: ${error.message}` : error instanceof Error ? error.message : String(error)
}
