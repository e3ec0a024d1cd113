import { Observable, Subscriber, Subscription, type Observer } from 'rxjs'
import { BufferedChannel, type Channel } from './channel'
import type { BusEvent } from './event'
import type { Pattern } from './pattern'
import type { SubscriptionInfo } from './plugin'
import type { Route } from './router'

/** Where a subscription hands events: an RxJS Subscriber, or a plain handler on the fast path. */
export interface Sink {
  next(event: BusEvent): void
  complete(): void
}

/** @internal What a subscription needs from the bus that created it. */
export interface SubscriptionHost {
  /** Takes the subscription out of routing and the bus's count. */
  release(subscription: RoutedSubscription): void
  /** Reports a handler that threw; delivery to the others goes on. */
  handlerFailed(cause: unknown, subscription: RoutedSubscription): void
  /** Reports a history that could not be read for a replaying subscription; live events follow. */
  historyFailed(cause: unknown, subscription: RoutedSubscription): void
  /** What the subscription hands events to changed (an observer, its channel, closing): re-plan delivery. */
  sinksChanged(): void
}

/** @internal */
export interface SubscriptionInit {
  readonly info: SubscriptionInfo
  readonly pattern: Pattern
  readonly kind: Pattern | undefined
  readonly admits: (system: string) => boolean
  readonly host: SubscriptionHost
  /** Replay mode: the matching history, delivered before any live event. */
  readonly history?: Promise<readonly BusEvent[]> | undefined
}

/**
 * The events matching one pattern. It *is* an RxJS Observable (every operator works on it), and
 * it also offers the channel style (`channel().receive()`), `for await`, and `close()`.
 *
 * Observers receive synchronously and buffer nothing; a channel (or an iterator, which reads the
 * channel) buffers every event from the moment it is first asked for, without limit.
 *
 * With `{ replay }`, history arrives first (asynchronously) to the observers and channel attached
 * by then, so attach them in the task that subscribed; live events that come meanwhile are held
 * and follow it, none lost and none twice.
 *
 * @example
 * const sub = bus.subscribe('orders.*', 'order.created')
 * sub.pipe(filter((e) => e.data.total > 100)).subscribe((e) => notify(e))
 * const { value, ok } = await sub.channel().receive()
 * for await (const e of sub) handle(e)
 * sub.close()
 */
export interface BusSubscription<E extends BusEvent = BusEvent> extends Observable<E>, AsyncIterable<E> {
  /** `true` once `close()` was called or the bus closed. */
  readonly closed: boolean
  /** The system pattern as given, e.g. `orders.*`. */
  readonly systemPattern: string
  /** Events buffered for the channel and not yet received. */
  readonly backlog: number
  /** The subscription's channel: the same one on every call; it buffers from the first call on. */
  channel(): Channel<E>
  /** Ends every observer and the channel (which still yields what it holds). Idempotent. */
  close(): void
}

/** @internal The bus's side of a subscription: what the router indexes and delivers to. */
// TypeScript `private`, not `#` fields, unlike the bus's internal parts: apps hold this object, and
// a proxy around it (Vue's `ref()`, MobX) must still be able to call its methods.
export class RoutedSubscription<E extends BusEvent = BusEvent> extends Observable<E> implements BusSubscription<E>, Route {
  readonly serial: number
  readonly info: SubscriptionInfo
  readonly pattern: Pattern
  private readonly kindFilter: Pattern | undefined
  private readonly admitsSystem: (system: string) => boolean
  private readonly host: SubscriptionHost
  // Replaced, never mutated, so a delivery loop is safe while observers come and go. Typed with
  // the base event so that a subscription to specific events stays assignable to a general one.
  private observers: readonly Sink[] = []
  private buffered: BufferedChannel<BusEvent> | undefined
  private isClosed = false
  /** Replay mode: what live events pass, once loaded, between history and live (see `sinks()`). */
  private seam: { admit(event: BusEvent): boolean } | undefined
  /** What the bus's delivery calls for this subscription (see `sinks()`), until that changes. */
  private planned: readonly Sink[] | undefined
  /** Replay mode: the one sink, which passes live events through the seam. */
  private readonly seamSink: Sink | undefined
  private channelSink: Sink | undefined

  constructor(init: SubscriptionInit) {
    let self: RoutedSubscription<E> | undefined
    super((subscriber) => self!.attach(subscriber))
    self = this
    this.info = init.info
    this.serial = init.info.id
    this.pattern = init.pattern
    this.kindFilter = init.kind
    this.admitsSystem = init.admits
    this.host = init.host
    if (init.history) this.seamSink = this.replay(init.history)
  }

  /**
   * Delivers the history, then the live events held meanwhile, each once. The seam is loaded with
   * the first subscription that replays: a bus without history never loads it.
   */
  private replay(read: Promise<readonly BusEvent[]>): Sink {
    // Live events that come before the seam is loaded.
    const held: BusEvent[] = []
    const emit = (event: BusEvent) => this.isClosed || this.emit(event)
    const history = read.then(undefined, (cause: unknown) => {
      // Live events go on; the history that could not be read is said, not silently skipped.
      this.host.historyFailed(cause, this as RoutedSubscription)
      return []
    })
    import('./replay-seam').then(
      ({ startReplay }) => (this.seam = startReplay(held, history, emit)),
      (cause: unknown) => {
        // The seam could not be loaded (a chunk that failed to download): live events only.
        this.host.historyFailed(cause, this as RoutedSubscription)
        this.seam = { admit: () => true }
        held.forEach(emit)
      },
    )
    return {
      next: (event) => {
        const seam = this.seam
        if (!seam) held.push(event)
        else if (seam.admit(event)) this.emit(event)
      },
      complete: noop,
    }
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
   *
   * Plain handlers and observers take a fast path: they are called straight from delivery instead
   * of through RxJS's Subscriber layers, which more than halves the cost of a delivery. Operator
   * chains and `firstValueFrom` pass their own Subscriber, which takes the regular path.
   */
  override subscribe(observerOrNext?: Partial<Observer<E>> | ((value: E) => void) | null): Subscription {
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext)
    const observer: Partial<Observer<E>> = typeof observerOrNext === 'function' ? {} : (observerOrNext ?? {})
    const subscription = new Subscription(() => this.detach(sink))
    const sink: Sink = {
      // A plain handler is called as is; delivery catches what it throws (see `deliver`).
      next: (typeof observerOrNext === 'function' ? observerOrNext : (event: E) => observer.next?.(event)) as Sink['next'],
      complete: () => {
        subscription.unsubscribe()
        try {
          observer.complete?.()
        } catch (cause) {
          this.handlerThrew(cause)
        }
      },
    }
    if (this.isClosed) sink.complete()
    else this.setObservers([...this.observers, sink])
    return subscription
  }

  /** The subscription's channel: the same one on every call; it buffers from the first call on. */
  channel(): Channel<E> {
    if (!this.buffered) {
      this.buffered = new BufferedChannel<BusEvent>()
      if (this.isClosed) this.buffered.close()
      else this.setObservers(this.observers)
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
    this.host.release(this as RoutedSubscription)
    this.buffered?.close()
    const observers = this.observers
    this.setObservers([])
    for (const observer of observers) observer.complete()
  }

  /** The router's last say: a scoped handle's policy. */
  admits(system: string): boolean {
    return this.admitsSystem(system)
  }

  /** Whether events of this kind are wanted (the kind filter). */
  wants(kind: string): boolean {
    return this.kindFilter === undefined || this.kindFilter.test(kind)
  }

  /**
   * What the bus's delivery calls, in order, for each event this subscription wants: each
   * observer's `next` straight (a plain handler is its own sink), then the channel's push. One
   * that replays has a single sink instead, which passes live events through the seam. One with
   * nothing attached has a sink that does nothing, so that it still counts as delivered to.
   */
  sinks(): readonly Sink[] {
    if (this.planned) return this.planned
    let sinks: Sink[]
    if (this.seamSink) {
      sinks = [this.seamSink]
    } else {
      sinks = [...this.observers]
      const buffered = this.buffered
      if (buffered) sinks.push((this.channelSink ??= { next: (event) => buffered.push(event), complete: noop }))
      if (sinks.length === 0) sinks.push(IDLE)
    }
    return (this.planned = sinks)
  }

  /** Whether `sink`, planned by `sinks()`, still takes events: the subscription is open and holds it. */
  holds(sink: Sink): boolean {
    if (this.isClosed) return false
    return sink === IDLE || sink === this.seamSink || sink === this.channelSink || this.observers.includes(sink)
  }

  /** Reports what one of its sinks threw; delivery to the others goes on. */
  handlerThrew(cause: unknown): void {
    this.host.handlerFailed(cause, this as RoutedSubscription)
  }

  private emit(event: BusEvent): void {
    const observers = this.observers
    for (let i = 0; i < observers.length; i++) {
      try {
        observers[i]!.next(event)
      } catch (cause) {
        this.handlerThrew(cause)
      }
    }
    this.buffered?.push(event)
  }

  private attach(subscriber: Subscriber<E>): () => void {
    if (this.isClosed) {
      subscriber.complete()
      return noop
    }
    const sink = subscriber as Subscriber<unknown> as Sink
    this.setObservers([...this.observers, sink])
    return () => this.detach(sink)
  }

  private detach(sink: Sink): void {
    this.setObservers(this.observers.filter((other) => other !== sink))
  }

  private setObservers(observers: readonly Sink[]): void {
    this.observers = observers
    this.planned = undefined
    this.host.sinksChanged()
  }
}

function noop(): void {}

/** The sink of a subscription with nothing attached. */
const IDLE: Sink = { next: noop, complete: noop }
