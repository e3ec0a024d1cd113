import { createContext, useContext, type ReactNode } from 'react'
import { noBusProvider } from '../adapters/shared'
import type { BusHandle } from '../core/bus'
import type { AnyEventMap, EventMap } from '../core/event'

// Holds the untyped handle: typing is the hooks' business (see createBusHooks), and one context
// serves every event map.
const BusContext = createContext<BusHandle | null>(null)

export interface BusProviderProps<E extends EventMap> {
  /** The bus, or a scoped handle from `bus.scope(policy)`, that the components below use. */
  readonly bus: BusHandle<E>
  readonly children?: ReactNode
}

/**
 * Gives the components below a bus, or a scoped handle: a micro-frontend gets only what its
 * policy allows.
 *
 * @example
 * const bus = createBus<ShopEvents>({ name: 'shop' })
 * root.render(<BusProvider bus={bus.scope({ send: ['cart'], subscribe: ['cart'] })}><Cart /></BusProvider>)
 */
export function BusProvider<E extends EventMap>({ bus, children }: BusProviderProps<E>): ReactNode {
  // `.Provider` rather than React 19's `<Context value>`: it works on React 18 too.
  return <BusContext.Provider value={bus as unknown as BusHandle}>{children}</BusContext.Provider>
}

/**
 * The handle of the nearest `BusProvider`. Throws a `BusError` (`NO_BUS_PROVIDER`) outside one.
 * Typed with `useBus<ShopEvents>()`, or through `createBusHooks<ShopEvents>()`.
 *
 * @example
 * const bus = useBus<ShopEvents>()
 * const onClick = () => bus.send('cart', 'item.added', '/cart/tea', { sku: 'tea', price: 4 })
 */
export function useBus<E extends EventMap = AnyEventMap>(): BusHandle<E> {
  const bus = useContext(BusContext)
  if (bus === null) throw noBusProvider('hooks need a <BusProvider bus={bus}> above the component.')
  return bus as unknown as BusHandle<E>
}
