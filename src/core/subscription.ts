import { Observable, Subscriber, type Observer, type Subscription } from 'rxjs'
import { BufferedChannel, type Channel } from './channel'
import type { BusError } from './errors'
import type { BusEvent } from './event'
import type { Pattern } from './pattern'
import type { Route } from './router'

/** What a subscription needs from the bus that created it. */
export interface SubscriptionHost {
  /** Takes the subscription out of routing and the bus's count. */
  release(subscription: BusSubscription<BusEvent>): void
  /** Reports a failure that must not break delivery (a throwing handler). */
  report(error: BusError): void
  /** Wraps whatever a handler threw. */
  handlerFailed(cause: unknown, subscription: BusSubscription<BusEvent>): BusError
}

export interface SubscriptionInit {
  readonly serial: number
  readonly pattern: Pattern
  readonly kind: Pattern | undefined
  readonly admits: (system: string) => boolean
  readonly host: SubscriptionHost
}

/**
 * The events matching one pattern. It *is* an RxJS Observable (every operator works on it), and
 * it also offers the seed's channel style, `for await`, and `close()`.
 *
 * Observers receive synchronously and buffer nothing; a channel (or an iterator, which reads the
 * channel) buffers every event from the moment it is first asked for, without limit.
 *
 * @example
 * const sub = bus.subscribe('orders.*', 'order.created')
 * sub.pipe(filter((e) => e.data.total > 100)).subscribe((e) => notify(e))
 * const { value, ok } = await sub.channel().receive()
 * for await (const e of sub) handle(e)
 * sub.close()
 */
export class BusSubscription<E extends BusEvent = BusEvent> extends Observable<E> implements Route, AsyncIterable<E> {
  readonly serial: number
  readonly pattern: Pattern
  private readonly kindFilter: Pattern | undefined
  private readonly admitsSystem: (system: string) => boolean
  private readonly host: SubscriptionHost
  // Replaced, never mutated, so a delivery loop is safe while observers come and go. Typed with
  // the base event so that a subscription to specific events stays assignable to a general one.
  private observers: readonly Subscriber<BusEvent>[] = []
  private buffered: BufferedChannel<BusEvent> | undefined
  private isClosed = false

  constructor(init: SubscriptionInit) {
    let self: BusSubscription<E> | undefined
    super((subscriber) => self!.attach(subscriber))
    self = this
    this.serial = init.serial
    this.pattern = init.pattern
    this.kindFilter = init.kind
    this.admitsSystem = init.admits
    this.host = init.host
  }

  /** `true` once `close()` was called or the bus closed. */
  get closed(): boolean {
    return this.isClosed
  }

  /** The system pattern as given, e.g. `orders.*`. */
  get systemPattern(): string {
    return this.pattern.source
  }

  /** Events buffered for the channel and not yet received. */
  get backlog(): number {
    return this.buffered?.size ?? 0
  }

  /**
   * A handler that throws is reported on `bus.errors$` and the others still receive the event.
   * Operator chains pass their own subscriber, which RxJS already guards.
   */
  override subscribe(observerOrNext?: Partial<Observer<E>> | ((value: E) => void) | null): Subscription {
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext)
    return super.subscribe(guard(observerOrNext, (cause) => this.host.report(this.host.handlerFailed(cause, this as BusSubscription<BusEvent>))))
  }

  /** The subscription's channel: the same one on every call; it buffers from the first call on. */
  channel(): Channel<E> {
    if (!this.buffered) {
      this.buffered = new BufferedChannel<BusEvent>()
      if (this.isClosed) this.buffered.close()
    }
    return this.buffered as Channel<BusEvent> as Channel<E>
  }

  /** Reads the channel; leaving the loop early (`break`, `return`, a throw) closes the subscription. */
  [Symbol.asyncIterator](): AsyncIterator<E> {
    const channel = this.channel()
    return {
      next: async () => {
        const received = await channel.receive()
        return received.ok ? { value: received.value, done: false } : { value: undefined, done: true }
      },
      return: async () => {
        this.close()
        return { value: undefined, done: true }
      },
    }
  }

  /** Ends every observer and the channel (which still yields what it holds). Idempotent. */
  close(): void {
    if (this.isClosed) return
    this.isClosed = true
    this.host.release(this as BusSubscription<BusEvent>)
    this.buffered?.close()
    const observers = this.observers
    this.observers = []
    for (const observer of observers) observer.complete()
  }

  /** @internal Whether this subscription takes events of `kind`. */
  acceptsKind(kind: string): boolean {
    return this.kindFilter === undefined || this.kindFilter.test(kind)
  }

  /** @internal The router's last say: a scoped handle's policy. */
  admits(system: string): boolean {
    return this.admitsSystem(system)
  }

  /** @internal Hands one event to every observer and the channel. */
  deliver(event: E): void {
    if (this.isClosed) return
    const observers = this.observers
    for (let i = 0; i < observers.length; i++) observers[i]!.next(event)
    this.buffered?.push(event)
  }

  private attach(subscriber: Subscriber<E>): () => void {
    if (this.isClosed) {
      subscriber.complete()
      return noop
    }
    const observer = subscriber as Subscriber<unknown> as Subscriber<BusEvent>
    this.observers = [...this.observers, observer]
    return () => {
      this.observers = this.observers.filter((other) => other !== observer)
    }
  }
}

/** Wraps a user's observer so that what it throws is reported instead of escaping delivery. */
function guard<E>(observerOrNext: Partial<Observer<E>> | ((value: E) => void) | null | undefined, report: (cause: unknown) => void): Partial<Observer<E>> {
  if (typeof observerOrNext === 'function') {
    return {
      next: (event) => {
        try {
          observerOrNext(event)
        } catch (cause) {
          report(cause)
        }
      },
    }
  }
  const observer = observerOrNext ?? {}
  return {
    next: (event) => {
      try {
        observer.next?.(event)
      } catch (cause) {
        report(cause)
      }
    },
    error: (error) => observer.error?.(error),
    complete: () => {
      try {
        observer.complete?.()
      } catch (cause) {
        report(cause)
      }
    },
  }
}

function noop(): void {}
