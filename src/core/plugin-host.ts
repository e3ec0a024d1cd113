import type { Admission } from './admission'
import type { BusState } from './bus-state'
import type { EventClock } from './clock'
import type { Leadership } from './leadership'
import type { AttachedPlugin, BusPlugin, PluginHost, Provenance } from './plugin'
import type { Subscriptions } from './subscriptions'

/** What a bus lends its plugins: the parts a {@link PluginHost} is made of. */
export interface PluginHostParts {
  readonly state: BusState
  readonly admission: Admission
  readonly clock: EventClock
  readonly subscriptions: Subscriptions
  readonly leadership: Leadership
}

/** The host one plugin is given: the bus's seam, with the plugin's name on what it injects. */
export function hostFor(plugin: BusPlugin, parts: PluginHostParts): PluginHost {
  const { state, admission, clock, subscriptions, leadership } = parts
  const injectedHere: Provenance = { arrival: 'injected', from: state.origin, bridge: plugin.name }
  return {
    name: state.name,
    origin: state.origin,
    get closed() {
      return state.closed
    },
    inject: (event) => admission.inject(event, injectedHere),
    receive: (event, from, bridge) => admission.receive(event, from, bridge),
    report: state.report,
    drop: state.drop,
    missed: state.missed,
    leads: leadership.leads,
    observeTime: (time) => clock.observe(time),
    subscriptions: () => subscriptions.infos(),
  }
}

/** `bus.use(plugin)`: attaches the plugin with its host; `detach()` takes it off and closes it. */
export function attachPlugin(plugin: BusPlugin, parts: PluginHostParts): AttachedPlugin {
  const { state } = parts
  state.ensureOpen()
  state.plugins.attach(plugin, (attached) => hostFor(attached, parts))
  let detaching: Promise<void> | undefined
  return {
    name: plugin.name,
    detach: () =>
      (detaching ??= (async () => {
        const hooks = state.plugins.detach(plugin)
        if (hooks?.close) await state.plugins.settle(plugin, 'close', () => hooks.close!())
      })()),
  }
}
