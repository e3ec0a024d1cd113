/** What `receive` resolves to: a value while there is one, `ok: false` once closed and drained. */
export type Received<T> = { readonly value: T; readonly ok: true } | { readonly value: undefined; readonly ok: false }

/**
 * The seed's channel style: `const { value, ok } = await ch.receive()`. The buffer is unbounded
 * so that a slow consumer loses nothing; `bus.stats().buffered` shows what it holds.
 */
export interface Channel<T> {
  /** The next value, waiting for one if needed; `{ ok: false }` once closed and drained. */
  receive(): Promise<Received<T>>
  /** Values buffered and not yet received. */
  readonly size: number
  readonly closed: boolean
}

const CLOSED: Received<never> = Object.freeze({ value: undefined, ok: false })

/** An unbounded queue with waiting readers; the writer side stays private to the subscription. */
// TypeScript `private`, not `#` fields, unlike the bus's internal parts: apps hold this object, and
// a proxy around it (Vue's `ref()`, MobX) must still be able to call its methods.
export class BufferedChannel<T> implements Channel<T> {
  // A head index instead of `shift()`: draining a large backlog stays linear.
  private buffer: T[] = []
  private head = 0
  private readonly waiting: Array<(received: Received<T>) => void> = []
  private isClosed = false

  get size(): number {
    return this.buffer.length - this.head
  }

  get closed(): boolean {
    return this.isClosed
  }

  receive(): Promise<Received<T>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head] as T
      this.buffer[this.head++] = undefined as T
      if (this.head === this.buffer.length) {
        this.buffer = []
        this.head = 0
      }
      return Promise.resolve({ value, ok: true })
    }
    if (this.isClosed) return Promise.resolve(CLOSED)
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  push(value: T): void {
    if (this.isClosed) return
    const reader = this.waiting.shift()
    if (reader) reader({ value, ok: true })
    else this.buffer.push(value)
  }

  close(): void {
    if (this.isClosed) return
    this.isClosed = true
    for (const reader of this.waiting.splice(0)) reader(CLOSED)
  }
}
