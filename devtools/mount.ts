import type { EventMap } from '../src/core/index'
import { checkDevtoolsOptions, noDocument, type CheckedOptions, type DevtoolsOptions, type MountedDevtools } from './options'
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
 * Retry and Discard).
 *
 * @example
 * import { mountDevtools } from 'crossbus/devtools'
 * if (import.meta.env.DEV) {
 *   const devtools = mountDevtools({ bus, position: 'bottom-left', destinations: outbound })
 *   // later: devtools.unmount()
 * }
 */
export function mountDevtools<E extends EventMap>(options: DevtoolsOptions<E>): MountedDevtools {
  const checked = checkDevtoolsOptions(options)
  if (typeof document === 'undefined') throw noDocument()
  return mountWith(checked, {})
}

/** Shared with the standalone page, which mounts the same panel full-page. */
export function mountWith(options: CheckedOptions, settings: Partial<PanelSettings>): MountedDevtools {
  const recorder = new Recorder(options.maxEvents, options.maxBytes)
  // Throws PLUGIN_CONFLICT when devtools are already mounted on this bus: one panel per bus.
  const attached = options.bus.use(recorder.plugin())
  let unmounted = false
  let destroy: (() => void) | undefined
  import('./ui/panel').then(
    ({ createPanel }) => {
      if (unmounted) return
      destroy = createPanel({ ...options, recorder, ...settings })
    },
    (cause: unknown) => console.error('crossbus devtools: the panel could not be loaded.', cause),
  )
  return {
    unmount() {
      if (unmounted) return
      unmounted = true
      destroy?.()
      recorder.onChange = undefined
      void attached.detach()
    },
  }
}
