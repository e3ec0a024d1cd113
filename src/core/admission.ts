import { BusError } from './errors'
import type { BusState } from './bus-state'
import type { EventClock } from './clock'
import type { BusEvent } from './event'
import { identityOf, SeenEvents } from './identity'
import { checkInjected } from './injected'
import type { Provenance } from './plugin'
import { ensureAllowed, type PolicyCheck } from './policy'
import { checkKind, checkPath, checkSystem } from './validate'

/**
 * How admission treats an event, by the way it came in. Every way in runs the same steps in the
 * same order (`Admission.admit`): closed, validate, policy, identity and dedupe, plugin checks,
 * clock, deliver, tell the plugins. A row says which of them apply.
 */
interface AdmissionRule {
  /**
   * What a refusal does: `throw` it to the caller (a send, a bridge's inject), or `drop` it: a
   * transport has no caller to tell, so a closed bus ignores its delivery and an invalid event is
   * counted in `stats().dropped` and reported.
   */
  readonly refusal: 'throw' | 'drop'
  /**
   * `names`: system, kind (remembered once valid, so a hot send pays one Set lookup) and path.
   * `event`: every field, into a fresh object of exactly the event's fields. `none`: a transport
   * of the origin checked it already.
   */
  readonly validate: 'names' | 'event' | 'none'
  /** Whether the policy rules on it (`events.send`): the handle's for a send, the bus's for an injection. */
  readonly policy: boolean
  /** Whether the plugins' `check` hooks may refuse it (sync refuses data it cannot post). */
  readonly check: boolean
  /**
   * `next`: the event carries this origin's next seq, which is taken only once every check
   * passed, so a refused send leaves no gap for receivers to report. `kept`: as it came.
   */
  readonly identity: 'next' | 'kept'
  /**
   * `refuse`: an event already seen here (by identity, see `identityOf`), or naming this instance
   * as its origin (it can only be an echo), is refused. `remember`: never refused by identity
   * (its transport ordered it and refused repeats by seq; otherwise one forged injection naming a
   * context's future ids could silence it), only remembered, so an echo through a bridge is known.
   */
  readonly dedupe: 'refuse' | 'remember'
  /**
   * `stamp`: the event was made with this context's clock. `observe`: its time moves this
   * context's clock, which only a context of the origin may do; events from outside never do.
   */
  readonly clock: 'stamp' | 'observe' | 'ignore'
}

/** Every way into a bus, and what admission does for each. */
const ADMISSION = {
  /** `send` on this bus instance. */
  sent: { refusal: 'throw', validate: 'names', policy: true, check: true, identity: 'next', dedupe: 'remember', clock: 'stamp' },
  /** From outside the origin, by a bridge plugin here (`host.inject`). */
  injected: { refusal: 'throw', validate: 'event', policy: true, check: true, identity: 'kept', dedupe: 'refuse', clock: 'ignore' },
  /** Sent by another context of the origin, carried by a transport plugin (`host.receive`). */
  received: { refusal: 'drop', validate: 'none', policy: false, check: false, identity: 'kept', dedupe: 'remember', clock: 'observe' },
  /** Injected by a bridge in another context of the origin, carried here by a transport plugin. */
  relayed: { refusal: 'drop', validate: 'event', policy: false, check: false, identity: 'kept', dedupe: 'refuse', clock: 'ignore' },
} as const satisfies Record<string, AdmissionRule>

// Validated names are remembered so a hot send pays one Set lookup; bounded for long sessions.
const KNOWN_NAMES_LIMIT = 4096

/**
 * The one way into a bus: `send`, `inject` and `receive` are three callers of `admit`, each with
 * its row of {@link ADMISSION}.
 */
export class Admission {
  #seq = 0
  readonly #seen = new SeenEvents()
  readonly #knownNames = new Set<string>()
  #lastSystem: string | undefined
  #lastKind: string | undefined
  readonly #sentHere: Provenance
  /** An event's id is `${origin}-${seq}`. */
  readonly #idPrefix: string
  readonly #state: BusState
  readonly #clock: EventClock
  /** The bus's own policy, which rules on injected events. */
  readonly #rootPolicy: PolicyCheck | undefined
  /** Hands an admitted event to the matching subscriptions here. */
  readonly #deliver: (event: BusEvent) => void

  constructor(state: BusState, clock: EventClock, rootPolicy: PolicyCheck | undefined, deliver: (event: BusEvent) => void) {
    this.#state = state
    this.#clock = clock
    this.#rootPolicy = rootPolicy
    this.#deliver = deliver
    this.#sentHere = { arrival: 'sent', from: state.origin, bridge: undefined }
    this.#idPrefix = `${state.origin}-`
  }

  /** `send` on a handle with `policy`: the admitted event, or a thrown `BusError`. */
  send(policy: PolicyCheck | undefined, system: string, kind: string, path: string, data: unknown): BusEvent {
    const next = this.#seq + 1
    const time = this.#clock.stamp()
    const event: BusEvent = { id: this.#idPrefix + next, system, kind, path, data, time, origin: this.#state.origin, seq: next }
    this.#admit(ADMISSION.sent, event, policy, this.#sentHere)
    return event
  }

  /** An event a bridge plugin brings in; `false` for one already seen here. */
  inject(event: BusEvent, provenance: Provenance): boolean {
    return this.#admit(ADMISSION.injected, event, this.#rootPolicy, provenance) !== undefined
  }

  /** An event another context of the origin sent, or relays from its bridge `bridge`. */
  receive(event: BusEvent, from: string, bridge: string | undefined): boolean {
    const rule = bridge === undefined ? ADMISSION.received : ADMISSION.relayed
    return this.#admit(rule, event, undefined, { arrival: 'received', from, bridge }) !== undefined
  }

  /** Admits one event by its row's rule: the admitted event, or `undefined` when it was refused. */
  #admit(rule: AdmissionRule, input: BusEvent, policy: PolicyCheck | undefined, provenance: Provenance): BusEvent | undefined {
    const state = this.#state
    if (state.closed) {
      if (rule.refusal === 'throw') state.ensureOpen()
      return undefined
    }
    let event: BusEvent | undefined = input
    if (rule.validate === 'names') {
      // Names once valid are remembered: a burst of one event type compares two strings, any
      // other hot send pays two Set lookups.
      if (input.system !== this.#lastSystem || input.kind !== this.#lastKind) {
        if (!this.#knownNames.has(input.system) || !this.#knownNames.has(input.kind)) this.#learnNames(input)
        this.#lastSystem = input.system
        this.#lastKind = input.kind
      }
      checkPath(input.path)
    } else if (rule.validate === 'event') {
      event = this.#validated(rule, input)
      if (event === undefined) return undefined
    }
    if (rule.policy && policy !== undefined) ensureAllowed(policy, 'events.send', event.system)
    let key: string | undefined
    if (rule.dedupe === 'refuse') {
      this.#seen.start()
      key = identityOf(event)
      if (event.origin === state.origin || this.#seen.has(key)) return undefined
    }
    if (rule.check) state.plugins.check(event)
    // Every check passed: from here on nothing refuses the event.
    if (rule.identity === 'next') {
      this.#seq = event.seq
      state.counters.sent++
    }
    if (key !== undefined) this.#seen.add(key)
    else if (this.#seen.active) this.#seen.add(event)
    if (rule.clock === 'observe') this.#clock.observe(event.time)
    this.#deliver(event)
    state.plugins.event(event, provenance)
    return event
  }

  /** The event checked whole (a fresh copy); for a transport's delivery, a refusal is dropped. */
  #validated(rule: AdmissionRule, input: BusEvent): BusEvent | undefined {
    if (rule.refusal === 'throw') return checkInjected(input)
    try {
      return checkInjected(input)
    } catch (error) {
      if (!(error instanceof BusError)) throw error
      this.#state.drop(error)
      return undefined
    }
  }

  #learnNames(event: BusEvent): void {
    checkSystem(event.system)
    checkKind(event.kind)
    if (this.#knownNames.size >= KNOWN_NAMES_LIMIT) this.#knownNames.clear()
    this.#knownNames.add(event.system).add(event.kind)
  }
}
