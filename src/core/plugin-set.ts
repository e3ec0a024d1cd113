import { BehaviorSubject } from 'rxjs'
import { BusError, busError } from './errors'
import type { BusEvent } from './event'
import type { BusPlugin, HistoryService, PluginHooks, PluginHost, PresenceService, Provenance, SubscriptionInfo } from './plugin'

interface Attached {
  readonly plugin: BusPlugin
  readonly hooks: PluginHooks
}

type Capability = 'history' | 'presence' | 'requests'

/**
 * The plugins attached to one bus. Hooks are kept as plain arrays rebuilt on attach and detach,
 * so a send with no plugin pays for two empty loops. Every call is isolated: a throwing hook is
 * reported (once per call) and skipped.
 */
export class PluginSet {
  #attached: Attached[] = []
  #checks: Attached[] = []
  #observers: Attached[] = []
  // Errors raised while telling plugins about an error are reported, but not to plugins again.
  #reportingError = false
  readonly history$ = new BehaviorSubject<HistoryService | undefined>(undefined)
  readonly presence$ = new BehaviorSubject<PresenceService | undefined>(undefined)

  readonly #report: (error: BusError) => void

  constructor(report: (error: BusError) => void) {
    this.#report = report
  }

  attach(plugin: BusPlugin, hostFor: (plugin: BusPlugin) => PluginHost): void {
    if (typeof plugin?.setup !== 'function' || typeof plugin.name !== 'string' || plugin.name === '') {
      throw busError('INVALID_ARGUMENT', 'A plugin is an object with a non-empty `name` and a `setup(host)` function.')
    }
    if (this.#attached.some((other) => other.plugin.name === plugin.name)) {
      throw busError('PLUGIN_CONFLICT', `The plugin "${plugin.name}" is already attached; detach it first.`)
    }
    const hooks = plugin.setup(hostFor(plugin)) ?? {}
    for (const capability of ['history', 'presence', 'requests'] as const) {
      const other = hooks[capability] && this.#provider(capability)
      if (other) throw busError('PLUGIN_CONFLICT', `The plugins "${other.plugin.name}" and "${plugin.name}" both offer ${capability}.`)
    }
    this.#attached = [...this.#attached, { plugin, hooks }]
    this.#rebuild()
    if (hooks.history) this.history$.next(hooks.history)
    if (hooks.presence) this.presence$.next(hooks.presence)
  }

  /** Takes the plugin out; returns its hooks (to close), or `undefined` if it was not attached. */
  detach(plugin: BusPlugin): PluginHooks | undefined {
    const entry = this.#attached.find((other) => other.plugin === plugin)
    if (!entry) return undefined
    this.#attached = this.#attached.filter((other) => other !== entry)
    this.#rebuild()
    if (entry.hooks.history) this.history$.next(undefined)
    if (entry.hooks.presence) this.presence$.next(undefined)
    return entry.hooks
  }

  /** Runs every `check`; a `BusError` refuses the event (rethrown), anything else is a plugin bug. */
  check(event: BusEvent): void {
    const checks = this.#checks
    for (let i = 0; i < checks.length; i++) {
      try {
        checks[i]!.hooks.check!(event)
      } catch (cause) {
        if (cause instanceof BusError) throw cause
        this.#failed(checks[i]!.plugin, 'check', cause)
      }
    }
  }

  event(event: BusEvent, provenance: Provenance): void {
    const observers = this.#observers
    for (let i = 0; i < observers.length; i++) {
      try {
        observers[i]!.hooks.event!(event, provenance)
      } catch (cause) {
        this.#failed(observers[i]!.plugin, 'event', cause)
      }
    }
  }

  subscribed(info: SubscriptionInfo): void {
    this.#each('subscribed', info)
  }

  unsubscribed(info: SubscriptionInfo): void {
    this.#each('unsubscribed', info)
  }

  error(error: BusError): void {
    if (this.#reportingError) return
    this.#reportingError = true
    try {
      this.#each('error', error)
    } finally {
      this.#reportingError = false
    }
  }

  /** Waits for every plugin's pending work; never rejects (failures are reported). */
  async flush(): Promise<void> {
    await Promise.all(this.#attached.map((entry) => this.settle(entry.plugin, 'flush', () => entry.hooks.flush?.())))
  }

  /**
   * Closes every plugin, last attached first, each after the one before has finished: a bridge
   * drains its outbox while sync, attached earlier, still carries it and still holds leadership.
   */
  async closeAll(): Promise<void> {
    for (const entry of [...this.#attached].reverse()) {
      this.detach(entry.plugin)
      await this.settle(entry.plugin, 'close', () => entry.hooks.close?.())
    }
  }

  /** Runs one hook that may return a promise; reports a throw or a rejection as the plugin's failure. */
  async settle(plugin: BusPlugin, hook: string, run: () => Promise<void> | void): Promise<void> {
    try {
      await run()
    } catch (cause) {
      this.#failed(plugin, hook, cause)
    }
  }

  /** Tells every plugin with the hook; one that throws is reported and the others still hear. */
  #each<H extends 'subscribed' | 'unsubscribed' | 'error'>(hook: H, argument: Parameters<NonNullable<PluginHooks[H]>>[0]): void {
    for (const entry of this.#attached) {
      try {
        ;(entry.hooks[hook] as ((argument: unknown) => void) | undefined)?.(argument)
      } catch (cause) {
        this.#failed(entry.plugin, hook, cause)
      }
    }
  }

  /** The service a plugin offers for `capability`, if one does. */
  offered<C extends Capability>(capability: C): PluginHooks[C] {
    return this.#provider(capability)?.hooks[capability]
  }

  #provider(capability: Capability): Attached | undefined {
    return this.#attached.find((entry) => entry.hooks[capability] !== undefined)
  }

  #rebuild(): void {
    this.#checks = this.#attached.filter((entry) => entry.hooks.check)
    this.#observers = this.#attached.filter((entry) => entry.hooks.event)
  }

  #failed(plugin: BusPlugin, hook: string, cause: unknown): void {
    this.#report(busError('PLUGIN_FAILED', `The plugin "${plugin.name}" threw in its "${hook}" hook; the bus carried on.`, cause))
  }
}
