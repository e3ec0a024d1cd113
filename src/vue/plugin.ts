import { inject, provide, type InjectionKey, type Plugin } from 'vue'
import { noBusProvider, scopedHandle, type ProviderOptions } from '../adapters/shared'
import type { AnyEventMap, BusHandle, EventMap } from '../core/index'

// Holds the untyped handle: typing is the composables' business (see createBusComposables).
const BUS_KEY: InjectionKey<BusHandle> = Symbol('crossbus')

/**
 * A Vue plugin that gives every component of the app a bus, or with `policy` a handle scoped to
 * it (made once, when the plugin is created).
 *
 * @example
 * createApp(Cart).use(createBusPlugin(bus, { policy: { send: ['cart'], subscribe: ['cart'] } })).mount('#cart')
 */
/* @__NO_SIDE_EFFECTS__ */
export function createBusPlugin<E extends EventMap>(bus: BusHandle<E>, options: ProviderOptions = {}): Plugin {
  const handle = scopedHandle(bus, options.policy)
  return {
    install(app) {
      app.provide(BUS_KEY, handle as unknown as BusHandle)
    },
  }
}

/**
 * Gives the components below the current one another handle, e.g. a narrower scope for one
 * widget. Call it in `setup`, which runs once per component: the scoped handle lives as long as
 * the component, however often it re-renders.
 *
 * @example
 * provideBus(useBus(), { policy: { subscribe: ['cart'] } })
 */
export function provideBus<E extends EventMap>(bus: BusHandle<E>, options: ProviderOptions = {}): void {
  provide(BUS_KEY, scopedHandle(bus, options.policy) as unknown as BusHandle)
}

/**
 * The handle given by `createBusPlugin` or `provideBus`. Call it where `inject` works (`setup`,
 * or `app.runWithContext`); throws a `BusError` (`HOOKS_NO_BUS_PROVIDER`) when there is none.
 *
 * @example
 * const bus = useBus<ShopEvents>()
 */
export function useBus<E extends EventMap = AnyEventMap>(): BusHandle<E> {
  const bus = inject(BUS_KEY, null)
  if (bus === null) {
    throw noBusProvider('composables need app.use(createBusPlugin(bus)) (or provideBus) and must be called in setup or app.runWithContext.')
  }
  return bus as unknown as BusHandle<E>
}
