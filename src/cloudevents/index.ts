export { CLOUDEVENTS_CONTENT_TYPE, EXTERNAL_ORIGIN, fromCloudEvent, toCloudEvent, type CloudEventJson } from './event'
export { CLOUDEVENTS_BATCH_CONTENT_TYPE, fromCloudEventBatch, toCloudEventBatch } from './batch'
export { CLOUDEVENT_ERROR_CODES, type CloudEventErrorCode } from './errors'
