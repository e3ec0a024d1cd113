import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core'
import type { BusError } from '../../core/index'
import { natsError } from './errors'
import type { ResolvedNatsOptions } from './options'

/** Where a bridge's connection to NATS stands: `connecting`, `connected`, `reconnecting`, then `closed`. */
export type NatsConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed'

export interface NatsLinkEvents {
  message(subject: string, payload: Uint8Array): void
  /** `server` is the one connected to (`host:port`), while connected. */
  status(state: NatsConnectionState, server: string | undefined): void
  failed(error: BusError): void
}

// How long a closing bridge waits for the server to take what it published.
const DRAIN_TIMEOUT_MS = 3000

/**
 * One connection to NATS over WebSocket with the official client, `@nats-io/nats-core`, loaded
 * on demand: an app that never bridges never downloads it. The client resubscribes and retries on
 * its own; this adds the backoff (each wait as long as the outage so far, within the bounds), a
 * status, and a close that stops a first connect still trying.
 */
export class NatsLink {
  private connection: NatsConnection | undefined
  private closing = false
  private outageStart = Date.now()

  constructor(
    private readonly options: ResolvedNatsOptions,
    private readonly subjects: readonly string[],
    private readonly events: NatsLinkEvents,
  ) {}

  get connected(): boolean {
    return this.connection !== undefined && !this.connection.isClosed() && this.current === 'connected'
  }

  private current: NatsConnectionState = 'connecting'

  /** The client's connection while open, for JetStream mode's client to share. */
  get client(): NatsConnection | undefined {
    return this.connection
  }

  async open(): Promise<void> {
    this.setStatus('connecting')
    if (typeof WebSocket !== 'function') {
      return this.fail(natsError('NATS_UNAVAILABLE', 'The NATS bridge needs WebSocket, which this context does not have (Node before 22, or SSR): bridge from a browser context.'))
    }
    let core: typeof import('@nats-io/nats-core')
    try {
      core = await import('@nats-io/nats-core')
    } catch (cause) {
      return this.fail(natsError('NATS_UNAVAILABLE', 'The NATS bridge could not load @nats-io/nats-core: install it next to crossbus (npm install @nats-io/nats-core).', cause))
    }
    if (this.closing) return
    let connection: NatsConnection
    try {
      connection = await core.wsconnect(this.connectionOptions())
    } catch (cause) {
      if (this.closing) return
      return this.fail(natsError('NATS_CONNECTION_CLOSED', `The NATS bridge could not connect to ${this.options.servers.join(', ')}.`, cause))
    }
    if (this.closing) {
      await connection.close().catch(() => {})
      return
    }
    this.connection = connection
    for (const subject of this.subjects) {
      connection.subscribe(subject, {
        callback: (error, message) => {
          if (error) this.events.failed(natsError('NATS_CONNECTION_CLOSED', `The NATS subscription to "${subject}" ended: ${error.message}`, error))
          else this.events.message(message.subject, message.data)
        },
      })
    }
    this.setStatus('connected')
    void this.watch(connection)
    void connection.closed().then((error) => {
      this.connection = undefined
      if (error && !this.closing) this.events.failed(natsError('NATS_CONNECTION_CLOSED', `The NATS connection closed: ${error.message}`, error))
      this.setStatus('closed')
    })
  }

  /** Throws what the client throws (a payload over the server's limit, a closed connection). */
  publish(subject: string, payload: Uint8Array): void {
    if (!this.connection) throw natsError('NATS_CONNECTION_CLOSED', 'The NATS connection is not open.')
    this.connection.publish(subject, payload)
  }

  /** Resolves once the server has answered a ping sent after everything published so far. */
  roundTrip(): Promise<void> {
    return this.connection ? this.connection.flush() : Promise.reject(natsError('NATS_CONNECTION_CLOSED', 'The NATS connection is not open.'))
  }

  /**
   * Hands the server what was published (waiting a few seconds at most), then closes. Resolves
   * `true` when the server confirmed it has everything published.
   */
  async close(): Promise<boolean> {
    if (this.closing) return false
    this.closing = true
    const connection = this.connection
    let drained = false
    if (connection && !connection.isClosed()) {
      if (this.current === 'connected') {
        let timer: ReturnType<typeof setTimeout> | undefined
        const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS)))
        drained = await Promise.race([connection.drain().then(() => true, () => false), timeout])
        clearTimeout(timer)
      }
      await connection.close().catch(() => {})
    }
    this.setStatus('closed')
    return drained
  }

  private connectionOptions(): ConnectionOptions {
    const { auth, servers, initialDelayMs, maxDelayMs } = this.options
    const options: ConnectionOptions = {
      servers,
      // A bridge never wants its own messages back; the other contexts' copies are deduped by identity.
      noEcho: true,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectDelayHandler: () => Math.min(maxDelayMs, Math.max(initialDelayMs, Date.now() - this.outageStart)),
      // Called before every attempt: the one way to stop a first connect that is still trying.
      reconnectToServer: () => {
        if (this.closing) throw new Error('the bridge is closed')
        return null
      },
    }
    if (auth.name !== undefined) options.name = auth.name
    if (auth.user !== undefined) options.user = auth.user
    if (auth.pass !== undefined) options.pass = auth.pass
    if (auth.token !== undefined) options.token = auth.token
    if (auth.authenticator !== undefined) options.authenticator = Array.isArray(auth.authenticator) ? [...auth.authenticator] : (auth.authenticator as ConnectionOptions['authenticator'])
    return options
  }

  private async watch(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') {
        this.outageStart = Date.now()
        this.setStatus('reconnecting')
      } else if (status.type === 'reconnect') {
        this.setStatus('connected')
      }
    }
  }

  private fail(error: BusError): void {
    this.events.failed(error)
    this.setStatus('closed')
  }

  private setStatus(state: NatsConnectionState): void {
    if (this.current === state || this.current === 'closed') return
    this.current = state
    let server: string | undefined
    try {
      server = state === 'connected' ? this.connection?.getServer() : undefined
    } catch {
      // Only for the status: a client that cannot say which server it is on is still connected.
    }
    this.events.status(state, server)
  }
}
