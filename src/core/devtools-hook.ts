import type { Bus } from './bus-api'

/**
 * The global a browser's devtools extension defines in a page before the page's scripts run (the
 * way React DevTools defines `__REACT_DEVTOOLS_GLOBAL_HOOK__`): a bus made where it exists is
 * handed to it, so the extension finds every bus with no change to the app. Where no extension
 * defined it (every worker, every page without one), `createBus` reads one missing property.
 */
export const DEVTOOLS_HOOK = '__CROSSBUS_DEVTOOLS_HOOK__'

/** What the extension's global offers: it is told of each bus made in its page. */
export interface DevtoolsHook {
  register(bus: Bus): void
}

/** Hands `bus` to the devtools extension's hook, if one is installed; never throws into the app. */
export function announceToDevtools(bus: Bus): void {
  const hook = (globalThis as { [DEVTOOLS_HOOK]?: Partial<DevtoolsHook> })[DEVTOOLS_HOOK]
  if (hook === undefined) return
  try {
    hook.register?.(bus)
  } catch {
    // The extension's failure is the extension's: the app's bus works the same without it.
  }
}
