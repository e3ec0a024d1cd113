// A CloudEvents HTTP receiver for the destinations tests: a real server on 127.0.0.1 that parses
// every request with the official `cloudevents` SDK (structured, binary and batch), records what it
// accepted, and answers what the test tells it to (503 with Retry-After, 400 for one event...).
import { test } from '@playwright/test'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HTTP, type CloudEventV1 } from 'cloudevents'

export interface ReceivedEvent {
  readonly id: string
  readonly source: string
  readonly type: string
  /** Percent-decoded in binary mode, as the HTTP binding asks of receivers. */
  readonly subject: string
  readonly data: unknown
  readonly mode: 'structured' | 'binary' | 'batch'
  /** The request path: one receiver serves several destinations. */
  readonly path: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
}

export interface Answer {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  /** Wait this long before answering (a slow receiver). */
  readonly delayMs?: number
}

export interface ReceiverRequest {
  readonly path: string
  readonly events: readonly ReceivedEvent[]
  readonly at: number
  readonly status: number
}

export interface Receiver {
  readonly origin: string
  /** Events of requests answered with 2xx, in arrival order. */
  readonly accepted: ReceivedEvent[]
  /** Every POST, whatever the answer. */
  readonly requests: ReceiverRequest[]
  /** Requests the SDK could not parse as CloudEvents (there should be none). */
  readonly unparsable: string[]
  /** Requests received and not yet answered. */
  readonly inFlight: number
  /** Decides each answer; 200 when unset. */
  answer: ((events: readonly ReceivedEvent[], request: IncomingMessage) => Answer) | undefined
  reset(): void
  close(): Promise<void>
}

export interface ReceiverOptions {
  /** Answer CORS preflights and allow any origin (default); `false`: a receiver that knows nothing of CORS. */
  readonly cors?: boolean
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const receiver: Receiver = {
    origin: '',
    accepted: [],
    requests: [],
    unparsable: [],
    inFlight: 0,
    answer: undefined,
    reset() {
      receiver.accepted.length = 0
      receiver.requests.length = 0
      receiver.unparsable.length = 0
      receiver.answer = undefined
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  const cors = options.cors ?? true
  const counted = receiver as { inFlight: number }
  const server = createServer((request, response) => {
    counted.inFlight++
    void handle(receiver, request, response, cors).finally(() => counted.inFlight--)
  })
  // Keep-alive sockets would hold close() open; the browser reconnects as needed.
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  ;(receiver as { origin: string }).origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const close = receiver.close
  receiver.close = () => {
    server.closeAllConnections()
    return close()
  }
  return receiver
}

// The test pages are on another port, so another origin: CORS, with the preflight cached.
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST',
  'access-control-max-age': '600',
  // Without this a page cannot read Retry-After from a cross-origin answer.
  'access-control-expose-headers': 'Retry-After',
}

async function handle(receiver: Receiver, request: IncomingMessage, response: ServerResponse, cors: boolean): Promise<void> {
  if (!cors) {
    // No CORS at all: a preflight gets a plain 405, as from a server that only takes POST.
    receiver.requests.push({ path: new URL(request.url ?? '/', 'http://x').pathname, events: [], at: Date.now(), status: 405 })
    response.writeHead(405).end()
    return
  }
  if (request.method === 'OPTIONS') {
    response.writeHead(204, { ...CORS, 'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '*' })
    response.end()
    return
  }
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const body = Buffer.concat(chunks).toString('utf8')
  const path = new URL(request.url ?? '/', 'http://x').pathname
  let events: ReceivedEvent[]
  try {
    events = parse(request, body, path)
  } catch (error) {
    receiver.unparsable.push(`${path}: ${error instanceof Error ? error.message : String(error)}: ${body.slice(0, 200)}`)
    response.writeHead(400, CORS).end()
    return
  }
  const answer = receiver.answer?.(events, request) ?? { status: 200 }
  if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs))
  receiver.requests.push({ path, events, at: Date.now(), status: answer.status })
  if (answer.status >= 200 && answer.status < 300) receiver.accepted.push(...events)
  response.writeHead(answer.status, { ...CORS, ...answer.headers })
  response.end()
}

function parse(request: IncomingMessage, body: string, path: string): ReceivedEvent[] {
  const headers = request.headers
  const contentType = String(headers['content-type'] ?? '')
  const mode = contentType.startsWith('application/cloudevents-batch+json') ? 'batch' : contentType.startsWith('application/cloudevents+json') ? 'structured' : 'binary'
  const parsed = HTTP.toEvent({ headers, body })
  const list = (Array.isArray(parsed) ? parsed : [parsed]) as CloudEventV1<unknown>[]
  return list.map((event) => {
    // The SDK validates on construction; binary attributes arrive percent-encoded.
    const decode = (value: unknown) => (mode === 'binary' ? decodeURIComponent(String(value)) : String(value))
    return { id: decode(event.id), source: decode(event.source), type: decode(event.type), subject: decode(event.subject), data: event.data, mode, path, headers }
  })
}

/**
 * One receiver for the spec file that calls this (at its top level): started before its tests,
 * emptied before each, closed after. Read it through the returned function inside tests.
 */
export function useReceiver(): () => Receiver {
  let receiver: Receiver | undefined
  test.beforeAll(async () => {
    receiver = await startReceiver()
  })
  test.afterAll(async () => {
    await receiver?.close()
  })
  test.beforeEach(() => receiver!.reset())
  return () => receiver!
}

/** The line Chromium logs for each answer a test has the receiver refuse on purpose (503, 400). */
export function isRefusedAnswerLog(text: string): boolean {
  return /^Failed to load resource: the server responded with a status of (503|400)\b/.test(text)
}
