/**
 * The last stream sequence the device's bus delivered, per durable consumer, kept in localStorage
 * and written right after each delivery (and its post to the other tabs). A tab that closes may take its last acks with it (the
 * socket's unsent bytes, a script stopped mid-task go with the page), while a localStorage write
 * made before survives: the next reader skips what the mark covers instead of delivering it a
 * second time (and acks it). The stream's creation time is part of the mark, so a stream made
 * again (its numbers restarting) voids it. Where there is no localStorage (a worker), there is no
 * mark, and such an event may come again.
 */
export class DeliveredMark {
  private readonly key: string
  private seq = 0

  constructor(consumer: string, private readonly stream: string) {
    this.key = `crossbus-nats:${consumer}`
    const stored = storage()?.getItem(this.key)
    const at = stored?.lastIndexOf(' ') ?? -1
    if (stored && at > 0 && stored.slice(0, at) === stream) this.seq = Number(stored.slice(at + 1)) || 0
  }

  /** Whether the device's bus already had the message of this stream sequence. */
  covers(seq: number): boolean {
    return seq <= this.seq
  }

  /** The device's bus has everything up to `seq`. */
  advance(seq: number): void {
    if (seq <= this.seq) return
    this.seq = seq
    try {
      storage()?.setItem(this.key, `${this.stream} ${seq}`)
    } catch {
      // A full or refused storage costs only the mark: an event may then come twice after a close.
    }
  }
}

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage
  } catch {
    // Reading `localStorage` throws where storage is blocked.
    return undefined
  }
}
