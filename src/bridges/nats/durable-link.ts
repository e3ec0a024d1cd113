import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import { describeError, type BusError } from '../../core/index'
import { DeliveredMark } from './delivered-mark'
import { capturesPrefix, consumerName, fromDevice, messageId, streamConfigText } from './durable-names'
import { natsError } from './errors'
import type { ResolvedNatsOptions } from './options'

type JetStreamOptions = NonNullable<ResolvedNatsOptions['jetstream']>

// How many messages a consumer holds on the client at once, unacknowledged.
const PULL_BATCH = 256
// How long the server waits for an ack before it sends a message again. A leader that goes takes
// its unacknowledged messages with it; the next one starts at the ack floor instead (see `read`).
const ACK_WAIT_MS = 30_000
const MS = 1_000_000

/** What a JetStream message brings to the importer: its subject and payload; `ack` once it is in. */
export interface DurableMessage {
  readonly subject: string
  readonly payload: Uint8Array
}

/**
 * JetStream mode on one connection, with the official client `@nats-io/jetstream` (loaded only in
 * this mode): the stream checked (or created) once connected, exported events published with
 * their `Nats-Msg-Id` and confirmed by the server's acks, and, in the leading context, the
 * device's durable consumer read in order.
 */
export class DurableLink {
  private pending: Promise<unknown>[] = []
  private reading: ConsumerMessages | undefined
  private readingEpoch = 0

  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: JetStreamOptions,
    private readonly prefix: string,
    readonly deviceId: string,
    /** The stream's name and creation time: numbers of a stream made again are not the old ones. */
    private readonly streamId: string,
  ) {}

  /**
   * Loads the client and checks the stream: throws `NATS_JETSTREAM_UNAVAILABLE` (no client, no
   * JetStream on the server) or `NATS_STREAM_UNAVAILABLE` (missing and not creatable, or not
   * capturing `<prefix>.>`), each saying what to do.
   */
  static async open(nc: NatsConnection, options: JetStreamOptions, prefix: string, deviceId: string): Promise<DurableLink> {
    let client: typeof import('@nats-io/jetstream')
    try {
      client = await import('@nats-io/jetstream')
    } catch (cause) {
      throw natsError('NATS_JETSTREAM_UNAVAILABLE', 'The NATS bridge could not load @nats-io/jetstream, which its `jetstream` option needs: install it next to crossbus (npm install @nats-io/jetstream).', cause)
    }
    let jsm: JetStreamManager
    try {
      jsm = await client.jetstreamManager(nc)
    } catch (cause) {
      throw natsError('NATS_JETSTREAM_UNAVAILABLE', `The NATS server has no JetStream, which the bridge's \`jetstream\` option needs (${describeError(cause)}): start it with \`nats-server -js\` (and a store dir, \`-sd <dir>\`), or add \`jetstream { store_dir: "<dir>" }\` to its config.`, cause)
    }
    const created = await ensureStream(jsm, options, prefix)
    return new DurableLink(client.jetstream(nc), jsm, options, prefix, deviceId, `${options.stream}@${created}`)
  }

  get consumer(): string {
    return this.options.consumer ?? consumerName(this.deviceId, this.prefix)
  }

  /** Publishes to the stream; {@link confirmed} resolves once the server stored it (or found it a duplicate). */
  publish(subject: string, payload: Uint8Array, identity: string): void {
    const stored = this.js.publish(subject, payload, { msgID: messageId(this.deviceId, identity) })
    stored.catch(() => {})
    this.pending.push(stored)
  }

  /** Resolves once the server stored everything published so far; rejects if one was not. */
  async confirmed(): Promise<void> {
    const pending = this.pending
    this.pending = []
    await Promise.all(pending)
  }

  /**
   * Reads the device's durable consumer from where its acks stand: messages go to `receive` in the
   * stream's order (the device's own exports, and what its bus already delivered, skipped), each
   * handed on to the other tabs (`handOn`) and marked delivered right after. Each task's messages then go to `settle` with their ack, to
   * call once the bus has them (stored too, when it has replay). Replaces any read
   * already running. Rejects when the consumer cannot be made or read.
   */
  async read(receive: (message: DurableMessage) => void, settle: (ack: () => void) => void, handOn: () => void): Promise<void> {
    this.stopReading()
    const epoch = this.readingEpoch
    await this.consumerAtAckFloor()
    const consumer = await this.js.consumers.get(this.options.stream, this.consumer)
    if (epoch !== this.readingEpoch) return
    // Read now, after the floor: the tab that read before may have moved it until it went.
    const mark = new DeliveredMark(this.consumer, this.streamId)
    let batch: JsMsg[] = []
    const ack = (messages: JsMsg[]) => () => {
      for (const message of messages) message.ack()
    }
    this.reading = await consumer.consume({
      max_messages: PULL_BATCH,
      callback: (message) => {
        if (epoch !== this.readingEpoch) return
        if (!mark.covers(message.seq) && !fromDevice(message.headers?.get('Nats-Msg-Id'), this.deviceId)) {
          receive({ subject: message.subject, payload: message.data })
          // The other tabs get it now (sync posts its outbox), and then it is marked: a closing
          // page may stop its script anywhere, and the mark must not get ahead of the other tabs.
          handOn()
        }
        mark.advance(message.seq)
        if (batch.push(message) === 1) {
          queueMicrotask(() => {
            const taken = batch
            batch = []
            if (epoch === this.readingEpoch) settle(ack(taken))
          })
        }
      },
    })
    if (epoch !== this.readingEpoch) this.reading.close().catch(() => {})
  }

  stopReading(): void {
    this.readingEpoch++
    this.reading?.close().catch(() => {})
    this.reading = undefined
  }

  /**
   * The consumer, made if missing (from new messages on), and started again at its ack floor when
   * it has messages out that no one acked: a leader that went (a closed tab, a dead connection)
   * took them with it, and waiting `ack_wait` for them would deliver them late and out of order.
   */
  private async consumerAtAckFloor(): Promise<void> {
    const { stream } = this.options
    const name = this.consumer
    const config = { durable_name: name, ack_policy: 'explicit' as const, ack_wait: ACK_WAIT_MS * MS, max_ack_pending: 4 * PULL_BATCH, filter_subject: `${this.prefix}.>` }
    let info
    try {
      info = await this.jsm.consumers.info(stream, name)
    } catch (cause) {
      if (!notFound(cause)) throw cause
      await this.jsm.consumers.add(stream, { ...config, deliver_policy: 'new' })
      return
    }
    if (info.num_ack_pending === 0 && info.delivered.stream_seq <= info.ack_floor.stream_seq) return
    await this.jsm.consumers.delete(stream, name)
    await this.jsm.consumers.add(stream, { ...config, deliver_policy: 'by_start_sequence', opt_start_seq: info.ack_floor.stream_seq + 1 })
  }
}

/** Checks the stream (creating it when missing); resolves with its creation time. */
async function ensureStream(jsm: JetStreamManager, options: JetStreamOptions, prefix: string): Promise<string> {
  const { stream } = options
  const config = streamConfigText(prefix, options)
  const unavailable = (why: string, cause?: unknown): BusError => natsError('NATS_STREAM_UNAVAILABLE', `${why}. Add it to the server (or let this user create it): ${config}`, cause)
  let subjects: readonly string[] | undefined
  let created = ''
  try {
    const info = await jsm.streams.info(stream)
    subjects = info.config.subjects ?? []
    created = info.created
  } catch (cause) {
    if (!notFound(cause)) throw unavailable(`The NATS bridge could not read the JetStream stream "${stream}" (${describeError(cause)})`, cause)
  }
  if (subjects === undefined) {
    try {
      const info = await jsm.streams.add({
        name: stream,
        subjects: [`${prefix}.>`],
        storage: 'file',
        retention: 'limits',
        discard: 'old',
        max_age: options.maxAgeMs * MS,
        max_msgs: options.maxMessages,
        duplicate_window: options.duplicateWindowMs * MS,
      })
      return info.created
    } catch (cause) {
      throw unavailable(`The JetStream stream "${stream}" does not exist and the NATS bridge may not create it (${describeError(cause)})`, cause)
    }
  }
  if (!subjects.some((subject) => capturesPrefix(subject, prefix))) {
    throw unavailable(`The JetStream stream "${stream}" exists but does not capture "${prefix}.>" (its subjects: ${subjects.join(', ') || 'none'})`)
  }
  return created
}

function notFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === 10059 || code === 10014 || /not found/i.test(describeError(error))
}
