/**
 * The names contexts of one origin must agree on, across modules and across versions of crossbus:
 * a channel, lock or database renamed in one module and not in its reader (devtools finds buses by
 * them) would split a bus in two. Change one only with a migration.
 */

/** The BroadcastChannel every context of a bus posts its envelopes on. */
export function syncChannelName(bus: string): string {
  return `crossbus:${bus}`
}

/** Where a lock or channel name's leadership part starts: `crossbus:<bus>:leader:<job>`. */
export const LEADER_MARKER = ':leader:'

/** The Web Lock (and its ping channel) that elects one context of the origin to lead `job`. */
export function leaderLockName(bus: string, job: string): string {
  return `${syncChannelName(bus)}${LEADER_MARKER}${job}`
}

/** The prefix of every history database; the bus name follows it. */
export const HISTORY_DATABASE_PREFIX = 'crossbus-replay:'

/** The IndexedDB database that keeps a bus's history. */
export function historyDatabaseName(bus: string): string {
  return `${HISTORY_DATABASE_PREFIX}${bus}`
}

/** The IndexedDB database that keeps a bus's destinations and their outbox. */
export function outboxDatabaseName(bus: string): string {
  return `crossbus-destinations:${bus}`
}

/** The channel the NATS bridges of a bus and subject prefix share acknowledgements on. */
export function natsAckChannelName(bus: string, subjectPrefix: string): string {
  return `${syncChannelName(bus)}:nats:${subjectPrefix}`
}

/** The channel the contexts of a bus share destinations' status and wake-ups on. */
export function destinationsChannelName(bus: string): string {
  return `crossbus-destinations:${bus}`
}
