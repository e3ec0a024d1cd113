import { Oldest } from './recent'

/**
 * Core NATS keeps nothing for a subscriber that is away: a device that reconnects after a sender
 * published misses those messages for good. Origins' seqs cannot show it (a sender exports only
 * some of its events, a receiver imports only some subjects), so each publishing bridge numbers
 * what it publishes, per subject, in a CloudEvents extension attribute of the message; a receiver,
 * which takes a subject whole or not at all, sees each jump as messages it missed, and how many.
 * (An attribute, not a NATS header: the client's headers cost more per message than the rest of
 * the bridge's share.)
 */
export const PUBLISH_SEQ_ATTRIBUTE = 'crossbuspubseq'

// Subjects numbered by one publisher; past it, it starts over under a new name.
const SUBJECT_LIMIT = 4096
// (publisher, subject) pairs followed by a receiver; a flood of made-up ones forgets the oldest.
const FOLLOWED_LIMIT = 8192

/** The sender's side: `<publisher> <n>`, n counting from 1 per subject. */
export class PublishSeqs {
  private readonly counts = new Map<string, number>()
  private generation = 0
  /** `<publisher> `: what this generation's stamps start with. */
  private name: string

  constructor(private readonly origin: string) {
    this.name = `${origin}~0 `
  }

  /** The stamp of the next message on `subject`; {@link commit} it once the message is published. */
  next(subject: string): string {
    return `${this.name}${(this.counts.get(subject) ?? 0) + 1}`
  }

  /** The message stamped `stamp` went out: its number is taken. */
  commit(subject: string, stamp: string): void {
    if (!stamp.startsWith(this.name)) return
    if (!this.counts.has(subject) && this.counts.size >= SUBJECT_LIMIT) {
      // A new name: receivers must not read the restarted numbers as old ones.
      this.counts.clear()
      this.name = `${this.origin}~${++this.generation} `
      return
    }
    this.counts.set(subject, Number(stamp.slice(this.name.length)))
  }
}

/** The receiver's side: the latest number of each publisher on each subject. */
export class GapTracker {
  private readonly latest = new Map<string, number>()
  /** The key heard last, so the last in `latest`. */
  private newest: string | undefined
  private readonly oldest = new Oldest(() => this.latest.keys())

  /**
   * How many messages of the stamp's publisher on `subject` were missed before this one: 0 for
   * the next one, the first one heard, a repeat or one without a (valid) stamp.
   */
  seen(subject: string, stamp: string | undefined): number {
    if (stamp === undefined) return 0
    const space = stamp.lastIndexOf(' ')
    const n = Number(stamp.slice(space + 1))
    if (space < 1 || !Number.isSafeInteger(n) || n < 1) return 0
    const key = `${stamp.slice(0, space)} ${subject}`
    const latest = this.latest.get(key)
    if (latest !== undefined && n <= latest) return 0
    // Most recently heard last, so the bound forgets the publishers gone longest. A stream of one
    // publisher on one subject is the newest already: moving it would leave a deleted entry per message.
    if (key !== this.newest) this.latest.delete(key)
    this.newest = key
    this.latest.set(key, n)
    if (this.latest.size > FOLLOWED_LIMIT) this.latest.delete(this.oldest.take()!)
    return latest === undefined ? 0 : n - latest - 1
  }
}
