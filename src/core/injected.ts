import { busError } from './errors'
import type { BusEvent } from './event'
import { checkKind, checkPath, checkSystem, describeValue, isEventTime, MAX_IDENTITY_LENGTH } from './validate'

/**
 * Checks an event a bridge injects and copies it into a fresh object of exactly the event's
 * fields: it keeps its identity, but nothing else the bridge's object carried.
 */
export function checkInjected(event: unknown): BusEvent {
  if (typeof event !== 'object' || event === null) throw refused(`expected an event object, got ${describeValue(event)}`)
  const { id, system, kind, path, data, time, origin, seq } = event as Record<keyof BusEvent, unknown>
  checkIdentity(id, 'id')
  checkSystem(system)
  checkKind(kind)
  checkPath(path)
  if (!isEventTime(time)) throw refused('its time must be whole epoch milliseconds in years 0000-9999')
  checkIdentity(origin, 'origin')
  if (!Number.isSafeInteger(seq) || (seq as number) < 0) throw refused('its seq must be an integer >= 0 (0 when no bus sequenced it)')
  return { id, system, kind, path, data, time, origin, seq: seq as number }
}

function checkIdentity(value: unknown, field: 'id' | 'origin'): asserts value is string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_IDENTITY_LENGTH) throw refused(`its ${field} must be a non-empty string of at most ${MAX_IDENTITY_LENGTH} characters`)
}

function refused(why: string) {
  return busError('INVALID_ARGUMENT', `An injected event was refused: ${why}.`)
}
