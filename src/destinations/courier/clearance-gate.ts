import type { BusError } from '../../core/index'
import type { Destination } from '../config'
import { destinationError } from '../errors'
import type { GetHeaders } from '../types'
import type { Clearance } from '../url-policy'

/** What the gate needs: the rules given in code, and where to say why it holds a destination. */
export interface GateDeps {
  /** Whether this configuration may be sent to now (`allowedUrls`), and with which `getHeaders` (bound to a web origin). */
  readonly clearance: (config: Destination['config']) => Clearance
  readonly report: (error: BusError) => void
  /** The destination is held (`'no-headers'`), with this error if there is one to show. */
  readonly hold: (error: BusError | undefined) => void
}

/**
 * Decides, before each request, whether one destination may be sent to and with which
 * `getHeaders`: not when its url is outside `allowedUrls`, when its `getHeaders` is bound to
 * another web origin, or when it needs `getHeaders` and this context has none. Each reason is
 * reported once per run of refusals, not per request.
 */
export class ClearanceGate {
  private headersReported = false
  private refusalReported = false

  constructor(private readonly deps: GateDeps) {}

  /** The `getHeaders` to send with now, or `undefined` when the destination must wait. */
  check(destination: Destination): { getHeaders: GetHeaders | undefined } | undefined {
    const clearance = this.deps.clearance(destination.config)
    if (!clearance.ok) return this.refused(destination.config.id, clearance.why)
    this.refusalReported = false
    if (destination.needsHeaders && !clearance.getHeaders) return this.missingHeaders(destination.config.id)
    return clearance
  }

  private refused(id: string, why: string): undefined {
    if (this.refusalReported) return void this.deps.hold(undefined)
    this.refusalReported = true
    const error = destinationError('DESTINATION_URL_REFUSED', `Destination "${id}": ${why}, so nothing is sent to it; its events wait. Was the stored configuration changed outside this app's code? update("${id}", { url }) from code puts it right.`)
    this.deps.hold(error)
    this.deps.report(error)
  }

  private missingHeaders(id: string): undefined {
    this.deps.hold(undefined)
    if (this.headersReported) return
    this.headersReported = true
    this.deps.report(
      destinationError('DESTINATION_HEADERS_MISSING', `Destination "${id}" was added with getHeaders, and this context, which leads delivery, has none: its events wait. Pass destinations(bus, { getHeaders: { "${id}": ... } }) in every context.`),
    )
  }
}
