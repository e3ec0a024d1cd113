export { createBusPlugin, provideBus, useBus } from './plugin'
export { createBusComposables, useEvent, useEvents, useLatestEvent, useSend } from './composables'
export type { BusComposables } from './composables'
export type { ProviderOptions, SystemEvent, UseEventsOptions, UseLatestEventOptions } from '../adapters/shared'
