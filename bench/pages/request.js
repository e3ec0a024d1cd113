// Request/reply from this page to a dedicated worker (bench/pages/request-worker.js), side by side:
// - crossbus: `bus.request('bench', 'bench.echo', '/bench', { n })`, answered by the worker's
//   `bus.handle(...)` with `{ n }`: four events (request, claim, grant, reply) over BroadcastChannel.
// - raw: a MessageChannel port to the same worker, `{ id, data }` posted and `{ id, value }` echoed:
//   one round trip, no correlation beyond a Map of pending ids. The floor any request protocol pays.
// - broadcast: the same echo over a raw BroadcastChannel (what crossbus's sync rides on): one round
//   trip of the transport crossbus uses, for context (crossbus needs two: claim/grant, then reply).
import { createBus } from '/src/index.ts'

let bus
let port
let broadcast
let nextId = 0
const pending = new Map()
const answered = (event) => {
  const resolve = pending.get(event.data.id)
  if (!resolve) return
  pending.delete(event.data.id)
  resolve(event.data.value)
}

export async function setup(name) {
  const worker = new Worker(new URL('./request-worker.js', import.meta.url), { type: 'module' })
  const channel = new MessageChannel()
  const ready = new Promise((resolve, reject) => {
    worker.addEventListener('message', (event) => (event.data === 'ready' ? resolve() : reject(new Error(String(event.data)))), { once: true })
    worker.addEventListener('error', (event) => reject(new Error(`request-worker: ${event.message}`)))
  })
  worker.postMessage({ name, port: channel.port2, channel: `${name}-raw` }, [channel.port2])
  await ready
  bus = createBus({ name })
  port = channel.port1
  port.onmessage = answered
  broadcast = new BroadcastChannel(`${name}-raw`)
  broadcast.onmessage = (event) => event.data.value && answered(event)
  // All answer before any timing starts (the bus loads its request protocol on first use).
  const checks = await Promise.all([bus.request('bench', 'bench.echo', '/bench', { n: 1 }), raw({ n: 1 }), viaBroadcast({ n: 1 })])
  if (checks.some((value) => value?.n !== 1)) throw new Error(`the contenders answered ${JSON.stringify(checks)}`)
}

const raw = (data) =>
  new Promise((resolve) => {
    const id = ++nextId
    pending.set(id, resolve)
    port.postMessage({ id, data })
  })

const viaBroadcast = (data) =>
  new Promise((resolve) => {
    const id = ++nextId
    pending.set(id, resolve)
    broadcast.postMessage({ id, data })
  })

const viaBus = (data) => bus.request('bench', 'bench.echo', '/bench', data)

const contenders = { raw, broadcast: viaBroadcast, bus: viaBus }

/** `count` requests one after the other: the median round trip in ms. */
export async function latency(which, count) {
  const ask = contenders[which]
  const times = []
  for (let n = 0; n < count; n++) {
    const started = performance.now()
    const value = await ask({ n })
    times.push(performance.now() - started)
    if (value.n !== n) throw new Error(`${which} answered ${JSON.stringify(value)} to ${n}`)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

/** `total` requests with `inFlight` outstanding at a time: requests per second. */
export async function throughput(which, total, inFlight) {
  const ask = contenders[which]
  let sent = 0
  let answered = 0
  const started = performance.now()
  const lane = async () => {
    while (sent < total) {
      const n = sent++
      const value = await ask({ n })
      if (value.n !== n) throw new Error(`${which} answered ${JSON.stringify(value)} to ${n}`)
      answered++
    }
  }
  await Promise.all(Array.from({ length: inFlight }, lane))
  if (answered !== total) throw new Error(`${which}: ${answered} of ${total} answered`)
  return (total / (performance.now() - started)) * 1000
}
