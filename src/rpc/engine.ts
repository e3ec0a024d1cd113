import type { BusError, BusEvent, HandlerContext, RequestOptions, RequestVia } from '../core/index'
import { Registration } from './handler'
import { Requester } from './requester'
import { readProtocol } from './wire'

/**
 * Request/reply for one bus instance, loaded on the first `request()` or `handle()`: the requests
 * this context waits on and the handlers it runs, both fed every protocol event that reaches it.
 */
export class RequestEngine {
  private readonly requester: Requester
  private readonly registrations = new Map<string, Set<Registration>>()

  constructor(
    origin: string,
    claimWindowMs: number,
    private readonly report: (error: unknown) => void,
  ) {
    this.requester = new Requester(origin, claimWindowMs)
  }

  request(via: RequestVia, system: string, kind: string, path: string, data: unknown, options: RequestOptions | undefined): Promise<unknown> {
    return this.requester.request(via, system, kind, path, data, options)
  }

  register(via: RequestVia, system: string, kind: string, handler: (event: BusEvent, context: HandlerContext) => unknown): Registration {
    const registration = new Registration(via, system, kind, handler, this.report)
    const key = keyOf(system, kind)
    const set = this.registrations.get(key) ?? new Set()
    this.registrations.set(key, set.add(registration))
    return registration
  }

  unregister(registration: Registration): void {
    registration.close()
    this.registrations.get(keyOf(registration.system, registration.kind))?.delete(registration)
  }

  /** Every event that reaches this context (the plugin's `event` hook). */
  event(event: BusEvent): void {
    const message = readProtocol(event)
    if (!message) return
    if (message.verb === 'claim' || message.verb === 'reply') {
      if (this.requester.size > 0) this.requester.message(message, event)
      return
    }
    const set = this.registrations.get(keyOf(event.system, message.kind))
    if (set) for (const registration of set) registration.message(message)
  }

  close(error: BusError): void {
    this.requester.close(error)
    for (const set of this.registrations.values()) for (const registration of set) registration.close(false)
    this.registrations.clear()
  }
}

const keyOf = (system: string, kind: string): string => `${system} ${kind}`
