import { errorMaker } from '../core/index'

/** The conditions the CloudEvents mapping reports, with their kind and whether retrying can help. */
export const CLOUDEVENT_ERROR_CODES = {
  /** An event that cannot map to or from a CloudEvent; the message names the attribute at fault. */
  CLOUDEVENT_INVALID: { kind: 'INVALID', retryable: false },
} as const

export type CloudEventErrorCode = keyof typeof CLOUDEVENT_ERROR_CODES

export const cloudEventError = /* @__PURE__ */ errorMaker(CLOUDEVENT_ERROR_CODES)
