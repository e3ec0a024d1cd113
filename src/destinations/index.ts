// `crossbus/destinations`: forward a bus's events to CloudEvents receivers (or your own providers),
// once per event for the origin, from a persisted outbox.
export { destinations, type PluginTarget } from './destinations'
export { httpProvider } from './http'
export { DESTINATION_ERROR_CODES, type DestinationErrorCode } from './errors'
export type {
  BoundGetHeaders,
  DeadLetter,
  DeliveryMode,
  DeliveryRequest,
  DeliveryResult,
  DestinationConfig,
  DestinationPatch,
  DestinationProvider,
  DestinationStatus,
  Destinations,
  DestinationsStats,
  DestinationsOptions,
  GetHeaders,
  HeadersLike,
} from './types'
