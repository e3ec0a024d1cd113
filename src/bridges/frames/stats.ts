import type { BehaviorSubject } from 'rxjs'
import type { ModuleHandle } from '../../core/index'
import type { FrameErrorCode } from './errors'

/** Where a frame bridge stands. */
export interface FrameStatus {
  /**
   * `connecting` until the other side answers (and again while a frame reloads or navigates),
   * `connected` while the private port is open, `closed` for good (closed, or cut off).
   */
  readonly state: 'connecting' | 'connected' | 'closed'
  /** The other side's web origin. */
  readonly webOrigin: string
  /** Why it closed, when it did not close by `close()`: `FRAME_FLOODED`, `FRAME_CLOSED`. */
  readonly reason?: FrameErrorCode
}

/** What one end of a frame bridge did since it started. */
export interface FrameBridgeStats {
  /** Events posted to the other side. */
  readonly sent: number
  /** Events from the other side delivered into this bus. */
  readonly received: number
  /**
   * Events from the other side refused: a policy did not allow them, or the bus refused them.
   * Each one is also counted in `bus.stats().dropped` and reported on `bus.errors$`.
   */
  readonly refused: number
  /** Events from the other side this bus already had (seen through another way in): not delivered again. */
  readonly duplicates: number
  /** Port messages dropped as malformed (`FRAME_MALFORMED_MESSAGE`, also in `bus.stats().dropped`). */
  readonly malformed: number
  /**
   * Window messages of this protocol that were ignored: from another window than the frame (or
   * the parent), from another web origin, or of no known shape. Only counted, never reported.
   */
  readonly forged: number
  /** Private ports opened: 1, and one more for each reload or navigation that connected again. */
  readonly connections: number
}

export type Counts = { -readonly [K in keyof FrameBridgeStats]: number }

export const newCounts = (): Counts => ({ sent: 0, received: 0, refused: 0, duplicates: 0, malformed: 0, forged: 0, connections: 0 })

/** What `connectFrame` and `connectParent` return. */
export type FrameBridge = ModuleHandle<FrameStatus, FrameBridgeStats>

/** How a bridge's parts tell its handle where it stands. */
export interface HandleState {
  readonly status: BehaviorSubject<FrameStatus>
  readonly counts: Counts
  connected(): void
  failed(error: import('../../core/index').BusError): void
}
