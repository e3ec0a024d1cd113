import { createContext, useContext, useMemo, type ReactNode } from 'react'
import { noBusProvider, scopedHandle, type ProviderOptions } from '../adapters/shared'
import type { AnyEventMap, BusHandle, EventMap, Policy } from '../core/index'

// Holds the untyped handle: typing is the hooks' business (see createBusHooks), and one context
// serves every event map.
const BusContext = createContext<BusHandle | null>(null)

export interface BusProviderProps<E extends EventMap> extends ProviderOptions {
  /**
   * The bus, or a handle, that the components below use (scoped by `policy` if given). A handle
   * must stay the same across renders: `bus.scope()` makes a new one per call, so pass `policy`
   * rather than calling it in render.
   */
  readonly bus: BusHandle<E>
  readonly children?: ReactNode
}

/**
 * Gives the components below a bus, or with `policy` a handle scoped to it: a micro-frontend gets
 * only what its policy allows. The scoped handle is made once and kept while the policy's rules
 * stay equal (a function policy: the same function), so a policy written inline does not
 * resubscribe the hooks below on every render.
 *
 * @example
 * const bus = createBus<ShopEvents>({ name: 'shop' })
 * root.render(<BusProvider bus={bus} policy={{ send: ['cart'], subscribe: ['cart'] }}><Cart /></BusProvider>)
 */
export function BusProvider<E extends EventMap>({ bus, policy, children }: BusProviderProps<E>): ReactNode {
  const key = policyKey(policy)
  // `key` stands for `policy`, so that an equal policy written inline keeps the handle.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const handle = useMemo(() => scopedHandle(bus, policy), [bus, key])
  // `.Provider` rather than React 19's `<Context value>`: it works on React 18 too.
  return <BusContext.Provider value={handle as unknown as BusHandle}>{children}</BusContext.Provider>
}

/**
 * The same for policies that allow the same: a function itself, rules as a string of their lists.
 * Anything else (not a policy) is returned as is, for `bus.scope` to refuse.
 */
export function policyKey(policy: Policy | undefined): unknown {
  if (typeof policy !== 'object' || policy === null) return policy
  const { send, subscribe, deny } = policy
  return JSON.stringify([send, subscribe, deny?.send, deny?.subscribe])
}

/**
 * The handle of the nearest `BusProvider`. Throws a `BusError` (`HOOKS_NO_BUS_PROVIDER`) outside one.
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
