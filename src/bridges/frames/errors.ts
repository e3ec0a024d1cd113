import { errorMaker, type ErrorCodeTable } from '../../core/index'

/**
 * The conditions the frame bridge throws or reports; every code starts with `FRAME_`. They reach
 * `bus.errors$` like any other failure; the refused messages (`FRAME_MALFORMED_MESSAGE`,
 * `FRAME_POLICY_DENIED`) also count in `bus.stats().dropped`. Forged window messages are only
 * counted (`stats().forged`): reporting each would let any page script fill `errors$`.
 */
export const FRAME_ERROR_CODES = {
  /** Bad options of `connectFrame` or `connectParent` (thrown): a `webOrigin` that is no exact origin (`*`, a path, `null`), a missing policy, an unknown option. */
  FRAME_INVALID: { kind: 'INVALID', retryable: false },
  /** There is no window to connect here (a worker, a server render), no iframe element, or no parent frame. */
  FRAME_UNAVAILABLE: { kind: 'UNAVAILABLE', retryable: false },
  /** A message on the bridge's private port that is no message of this protocol, or an event in it that is no event (dropped). */
  FRAME_MALFORMED_MESSAGE: { kind: 'INVALID', retryable: false },
  /** An event the frame's policy does not let it send into the host bus (dropped on the host; the frame hears of it too). */
  FRAME_POLICY_DENIED: { kind: 'PERMISSION_DENIED', retryable: false },
  /** The frame sent more than `maxEventsPerSecond` allows: the host cut it off and closed the bridge. */
  FRAME_FLOODED: { kind: 'UNAVAILABLE', retryable: false },
  /** `maxQueuedEvents` events already wait for the other side to connect: later ones are not sent. */
  FRAME_QUEUE_FULL: { kind: 'UNAVAILABLE', retryable: true },
  /** An event that could not be posted to the other side (data structured clone refuses). */
  FRAME_EXPORT_FAILED: { kind: 'INVALID', retryable: false },
  /** The bridge closed before it connected (`ready` rejects with it), or the other side cut it off. */
  FRAME_CLOSED: { kind: 'UNAVAILABLE', retryable: false },
} as const satisfies ErrorCodeTable

export type FrameErrorCode = keyof typeof FRAME_ERROR_CODES

export const frameError = /* @__PURE__ */ errorMaker(FRAME_ERROR_CODES)
