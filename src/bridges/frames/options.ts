import { checkOptions, compilePattern, compilePolicy, describeValue, type BusError, type Policy, type PolicyCheck } from '../../core/index'
import { frameError } from './errors'

/** What both ends of a frame bridge take. */
export interface FrameBridgeOptions {
  /**
   * The other side's exact web origin (scheme, host and port, as `location.origin` says it):
   * `'https://pay.example.com'`. Every message is posted to it and accepted only from it; `*`,
   * paths and `null` origins are refused. (The issue called it `origin`; crossbus calls a web
   * origin `webOrigin`, as `origin` is a bus instance id in an event.)
   */
  readonly webOrigin: string
  /** How many events may wait while the other side is not connected (loading, reloading); default 1,000. Later ones are not sent (`FRAME_QUEUE_FULL`). */
  readonly maxQueuedEvents?: number
}

/** Options of `connectFrame`, in the host page. */
export interface ConnectFrameOptions extends FrameBridgeOptions {
  /**
   * What the frame may do, in the bus's policy language: `send` lists the systems it may send into
   * this bus, `subscribe` those whose events it receives (`deny` wins; a missing list denies).
   * Required: a frame of another origin gets nothing and sends nothing unless a policy says so.
   */
  readonly policy: Policy
  /**
   * The flood bound: the most events per second (a burst up to as many) the frame may send. A
   * frame that sends more is cut off: the bridge closes with `FRAME_FLOODED`, and the host page
   * carries on. Default 1,000.
   */
  readonly maxEventsPerSecond?: number
  /**
   * A system pattern (`cart`, `{cart,orders.*}`): on each connection, first send the frame this
   * bus's stored history of it (within the policy), then live events, none twice. Needs a bus with
   * `replay`. For frames that keep no history of their own: a frame of another site may get no
   * IndexedDB at all (browsers partition or block third-party storage).
   */
  readonly replay?: string
}

/** Options of `connectParent`, in the frame. */
export interface ConnectParentOptions extends FrameBridgeOptions {
  /** What this frame sends to the host (`send`) and takes from it (`subscribe`); everything if absent. The host's policy rules as well. */
  readonly policy?: Policy
}

export interface ResolvedOptions {
  readonly webOrigin: string
  readonly maxQueuedEvents: number
  readonly maxEventsPerSecond: number
  /** What may go to the other side (`events.subscribe` of the frame's policy on the host, `events.send` in the frame). */
  readonly exportable: (system: string) => boolean
  /** What may come in from the other side. */
  readonly importable: (system: string) => boolean
  /** The host's `replay` pattern, if any. */
  readonly replay?: string
}

const everything = () => true

/** Checks `connectFrame`'s options; throws `FRAME_INVALID`. */
export function resolveFrameOptions(options: ConnectFrameOptions, failed: (error: BusError) => void): ResolvedOptions {
  checkShape(options, ['webOrigin', 'maxQueuedEvents', 'policy', 'maxEventsPerSecond', 'replay'], 'connectFrame')
  if (options.policy === undefined) throw frameError('FRAME_INVALID', 'connectFrame needs a policy: what the frame may send into this bus ({ send: [...] }) and what it receives ({ subscribe: [...] }).')
  const policy = compile(options.policy, failed, 'connectFrame')
  return {
    webOrigin: exactOrigin(options.webOrigin, 'connectFrame'),
    maxQueuedEvents: count(options.maxQueuedEvents, 1000, 'maxQueuedEvents', 'connectFrame'),
    maxEventsPerSecond: count(options.maxEventsPerSecond, 1000, 'maxEventsPerSecond', 'connectFrame'),
    exportable: (system) => policy(`events.subscribe`, system),
    importable: (system) => policy('events.send', system),
    ...(options.replay === undefined ? {} : { replay: replayPattern(options.replay) }),
  }
}

function replayPattern(pattern: unknown): string {
  try {
    compilePattern(pattern as string, 'connectFrame: replay')
  } catch (error) {
    throw frameError('FRAME_INVALID', (error as Error).message, error)
  }
  return pattern as string
}

/** Checks `connectParent`'s options; throws `FRAME_INVALID`. */
export function resolveParentOptions(options: ConnectParentOptions, failed: (error: BusError) => void): ResolvedOptions {
  checkShape(options, ['webOrigin', 'maxQueuedEvents', 'policy'], 'connectParent')
  const policy = options.policy === undefined ? undefined : compile(options.policy, failed, 'connectParent')
  return {
    webOrigin: exactOrigin(options.webOrigin, 'connectParent'),
    maxQueuedEvents: count(options.maxQueuedEvents, 1000, 'maxQueuedEvents', 'connectParent'),
    maxEventsPerSecond: Infinity,
    exportable: policy ? (system) => policy('events.send', system) : everything,
    importable: policy ? (system) => policy('events.subscribe', system) : everything,
  }
}

/**
 * A web origin exactly as `location.origin` writes it. Why so strict: `postMessage(data, '*')`
 * hands the port to whatever document the frame shows now, and a prefix or a path match is how
 * origin checks are usually got wrong.
 */
export function exactOrigin(value: unknown, where: string): string {
  let parsed: string | undefined
  try {
    parsed = typeof value === 'string' ? new URL(value).origin : undefined
  } catch {
    parsed = undefined
  }
  if (typeof value !== 'string' || parsed !== value || parsed === 'null') {
    throw frameError('FRAME_INVALID', `${where}: webOrigin must be one exact web origin such as 'https://pay.example.com' (scheme, host and port, no path, never '*'), got ${describeValue(value)}.`)
  }
  return value
}

function checkShape(options: unknown, keys: readonly string[], where: string): void {
  if (typeof options !== 'object' || options === null) throw frameError('FRAME_INVALID', `${where} takes an options object with at least webOrigin, got ${describeValue(options)}.`)
  try {
    checkOptions(options, keys, where)
  } catch (error) {
    throw frameError('FRAME_INVALID', (error as Error).message, error)
  }
}

function compile(policy: Policy, failed: (error: BusError) => void, where: string): PolicyCheck {
  try {
    return compilePolicy(policy, failed)
  } catch (error) {
    throw frameError('FRAME_INVALID', `${where}: ${(error as Error).message}`, error)
  }
}

function count(value: unknown, fallback: number, name: string, where: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw frameError('FRAME_INVALID', `${where}: ${name} must be a positive integer, got ${describeValue(value)}.`)
  return value
}
