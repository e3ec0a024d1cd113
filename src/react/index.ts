export { BusProvider, useBus } from './context'
export type { BusProviderProps } from './context'
export { createBusHooks, useEvent, useEvents, useLatestEvent, useSend } from './hooks'
export type { BusHooks, SystemEvent, UseEventsOptions, UseLatestEventOptions } from './hooks'
