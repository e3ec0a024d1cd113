import { BehaviorSubject } from 'rxjs'
import { describeError, type Bus, type EventMap } from '../src/core/index'
import { devtoolsError } from './errors'
import { checkDevtoolsOptions, type CheckedOptions, type DevtoolsHandle, type DevtoolsOptions, type DevtoolsStatus } from './options'
import { Recorder } from './recorder'
import type { PanelSettings } from './ui/panel'

/**
 * Mounts the devtools panel in this page, for `bus`: a floating button (and Alt+Shift+B) opens a
 * panel with every event of every tab, worker and frame of the bus, their filters, details,
 * re-send, export, contexts, rates and errors. It lives in a Shadow DOM, so the page's CSS and
 * the panel's cannot touch each other.
 *
 * Recording starts at once (a plugin attached with `bus.use`); the UI is a lazy chunk loaded now,
 * so an app that only imports `crossbus/devtools` behind a flag pays nothing for it. Pass the
 * handle of `crossbus/destinations` as `destinations` for a Destinations tab (status, dead letters,
 * Retry and Discard). Returns the handle every crossbus module returns: `ready` once the panel is
 * shown, `status$`, `stats()` and `close()` (also called `unmount()`).
 *
 * @example
 * import { mountDevtools } from 'crossbus/devtools'
 * if (import.meta.env.DEV) {
 *   const devtools = mountDevtools(bus, { position: 'bottom-left', destinations: outbound })
 *   await devtools.ready
 *   console.log(devtools.stats().kept)
 *   // later: await devtools.close()
 * }
 */
export function mountDevtools<E extends EventMap>(bus: Bus<E>, options: DevtoolsOptions = {}): DevtoolsHandle {
  const checked = checkDevtoolsOptions(bus, options)
  if (typeof document === 'undefined') {
    throw devtoolsError('DEVTOOLS_NO_DOCUMENT', 'mountDevtools needs a page (document); in a worker or on the server, attach devtoolsAgent() instead.')
  }
  return mountWith(checked, {})
}

/** Shared with the standalone page, which mounts the same panel full-page. */
export function mountWith(options: CheckedOptions, settings: Partial<PanelSettings>): DevtoolsHandle {
  const recorder = new Recorder(options.maxEvents, options.maxBufferBytes)
  // Throws PLUGIN_CONFLICT when devtools are already mounted on this bus: one panel per bus.
  const attached = options.bus.use(recorder.plugin())
  const status = new BehaviorSubject<DevtoolsStatus>({ panel: 'loading', recording: true, paused: false })
  const change = (next: Partial<DevtoolsStatus>) => status.next({ ...status.value, ...next })
  let closing: Promise<void> | undefined
  let destroy: (() => void) | undefined
  const ready = import('./ui/panel').then(
    ({ createPanel }) => {
      if (closing) throw devtoolsError('DEVTOOLS_UNAVAILABLE', 'mountDevtools: the panel was closed before it was shown.')
      destroy = createPanel({ ...options, recorder, ...settings, statusChanged: change })
    },
    (cause: unknown) => {
      console.error('crossbus devtools: the panel could not be loaded.', cause)
      throw devtoolsError('DEVTOOLS_UNAVAILABLE', `mountDevtools: the panel's UI could not be loaded (${describeError(cause)}).`, cause)
    },
  )
  // An app need not wait for the panel: a failure is in the console, not an unhandled rejection.
  ready.catch(() => {})
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      destroy?.()
      destroy = undefined
      recorder.onChange = undefined
      change({ panel: 'unmounted', recording: false })
      status.complete()
      await attached.detach()
    })())
  return { ready, status$: status.asObservable(), stats: () => recorder.stats(), close, unmount: close }
}
