import type { Bus } from '../../src/core/index'
import { agentChannelName } from '../agent-channel'
import { DEFAULT_MAX_BUFFER_BYTES, DEFAULT_MAX_EVENTS, type DevtoolsTheme } from '../options'
import { Recorder } from '../recorder'
import { createPanel } from '../ui/panel'
import { leaderLockName } from '../../src/shared/names'
import type { BusInfo, PageMessage, PanelMessage, WireRecord } from './protocol'
import { eventOf, RemoteBus, sourceOf } from './remote-bus'

// The errors tab keeps as many failures as the in-page panel does.
const MAX_ERRORS = 500

/**
 * One bus of the inspected page shown in the extension's panel: the in-page panel's own UI
 * (createPanel) over a recorder the page's messages fill, and a RemoteBus for what the UI asks of
 * the bus. The contexts tab asks on the devtools side channel of this (the extension's) origin; the
 * session carries those asks to the page and its answers back, so the tab works unchanged.
 */
export class PanelSession {
  readonly bus: RemoteBus
  private readonly recorder = new Recorder(DEFAULT_MAX_EVENTS, DEFAULT_MAX_BUFFER_BYTES)
  private readonly destroy: () => void
  private readonly sideChannel: BroadcastChannel

  constructor(info: BusInfo, tell: (message: PanelMessage) => void, sidebar: HTMLElement, theme: DevtoolsTheme) {
    this.bus = new RemoteBus(info, tell, (text, bad) => this.resendOutcome(text, bad))
    this.sideChannel = new BroadcastChannel(agentChannelName(info.name))
    this.sideChannel.onmessage = (message: MessageEvent<unknown>) => {
      const data = message.data as { crossbusDevtools?: unknown; type?: unknown } | null
      if (data?.crossbusDevtools === 1 && data.type === 'ask') tell({ type: 'ask' })
    }
    this.destroy = createPanel({
      // The UI reads name and peers$ of its bus and calls send and history: RemoteBus has them.
      bus: this.bus as unknown as Bus,
      recorder: this.recorder,
      open: true,
      position: 'bottom-right',
      maxEvents: DEFAULT_MAX_EVENTS,
      maxBufferBytes: DEFAULT_MAX_BUFFER_BYTES,
      theme,
      destinations: undefined,
      layout: 'page',
      selfLabel: 'inspected tab',
      sidebar,
      statusChanged: () => {},
    })
  }

  /**
   * A message of the page about this bus. Any script of the page can forge one: a message of the
   * wrong shape is dropped (and said in the console), never half-applied to the panel.
   */
  heard(message: PageMessage): void {
    try {
      this.apply(message)
    } catch (error) {
      console.warn('crossbus devtools: a message from the page was not understood and was dropped.', error)
    }
  }

  private apply(message: PageMessage): void {
    switch (message.type) {
      case 'events':
        this.add(message.records, false)
        if (message.dropped > 0) this.addError('DEVTOOLS_EXTENSION_DROPPED', `${message.dropped} events were sent faster than the panel could take them; the oldest were dropped.`)
        return
      case 'history':
        if (this.bus.historyArrived(message.records, message.error)) return
        this.add(message.records, true)
        return
      case 'peers':
        return this.bus.peersChanged(message.peers)
      case 'subscriptions':
        this.recorder.subscriptions.clear()
        for (const { id, pattern, kind, replay } of message.subscriptions) this.recorder.subscriptions.set(Number(id), { id: Number(id), pattern: String(pattern), kind: kind === undefined ? undefined : String(kind), replay: replay === true })
        return
      case 'error':
        return this.addError(String(message.error.code), String(message.error.message), String(message.error.kind))
      case 'sent':
        return this.bus.sent(Number(message.request), message.id === undefined ? undefined : String(message.id), message.error)
      case 'report':
        this.sideChannel.postMessage({ ...message.report, crossbusDevtools: 1, type: 'context' })
        return
      case 'leaders':
        return setLedJobs(this.bus.name, message.jobs.map(String))
    }
  }

  close(): void {
    this.destroy()
    this.sideChannel.close()
    this.bus.close()
  }

  private add(records: readonly WireRecord[], replayed: boolean): void {
    if (!Array.isArray(records)) return
    for (const record of records) {
      if (typeof record?.event !== 'object' || record.event === null) continue
      const event = eventOf(record)
      this.recorder.add(event, replayed ? { arrival: 'replayed', from: event.origin, bridge: undefined } : sourceOf(record))
    }
  }

  private addError(code: string, message: string, kind = 'UNAVAILABLE'): void {
    const errors = this.recorder.errors
    if (errors.length >= MAX_ERRORS) errors.shift()
    errors.push({ time: Date.now(), kind, code, message })
    this.recorder.onChange?.()
  }

  /** The re-send form's result line says how the send through the page ended, once the page answered. */
  private resendOutcome(text: string, bad: boolean): void {
    const root = document.querySelector('[data-crossbus-devtools]')?.shadowRoot
    const results = root?.querySelectorAll('[data-testid=resend-result]')
    const result = results?.[results.length - 1]
    if (!result) return
    result.textContent = text
    result.classList.toggle('bad', bad)
  }
}

// The contexts tab reads which jobs are led from the Web Locks of its own origin, which in the
// extension's page hold none of the app's: its page answers with its own, and the query here says those.
let ledJobs: { readonly bus: string; readonly jobs: readonly string[] } = { bus: '', jobs: [] }

function setLedJobs(bus: string, jobs: readonly string[]): void {
  ledJobs = { bus, jobs }
}

/** Installs the query the contexts tab asks (once per panel page): the inspected page's leaders. */
export function answerLocksFromPage(): void {
  const locks = navigator.locks as LockManager | undefined
  if (!locks) return
  locks.query = async () => ({ held: ledJobs.jobs.map((job) => ({ name: leaderLockName(ledJobs.bus, job), mode: 'exclusive' as const, clientId: '' })), pending: [] })
}
