// Destinations in real Chromium (cases in e2e/fixtures/destinations/bench.ts): 10,000 events to a
// local CloudEvents receiver in batch mode (100 per request), and 1,000 in single (structured) mode, against
// a raw loop of fetch posting the same requests. The raw loop keeps nothing, so batch mode is also
// set against two raw durable outboxes (the events put in IndexedDB first, a request's events
// deleted once it is answered; a record per event, and a record per request): those rows show
// what crossbus costs beyond the durability itself, and the raw loop's row what durability costs. crossbus's time runs from the first send to the
// last event accepted, so it includes the outbox (IndexedDB) and its removals; the raw loop's
// events are built beforehand. Before its clock starts, crossbus's bus delivers one primer event,
// so the leader is running (the time of an election and of loading the delivery code is not what
// is measured). Requests made are counted by the receiver, the primer's left out.
import { createServer } from 'node:http'

const N = 10_000
// One request per event costs a full HTTP round trip each (8-15 ms on a loaded 2-core machine), so
// 10,000 of them would not fit the suite's 90 s cap twice over: single mode sends 1,000.
const SINGLE_N = 1_000
const MAX_EVENTS = 100
const BATCH_ROUNDS = 5
const FIXTURE = '/e2e/fixtures/destinations/bench.ts'

/** Batch mode against three peers and single mode against one take minutes on a busy 2-core machine. */
export const limitMs = 300_000

/** @param {{ browser: import('playwright').Browser, baseURL: string }} context */
export async function run({ browser, baseURL }) {
  const receiver = await startReceiver()
  const page = await browser.newPage()
  const problems = []
  page.on('pageerror', (error) => problems.push(error.message))
  try {
    await page.goto(`${baseURL}/e2e/fixtures/blank.html`)
    const url = `${receiver.origin}/events`
    const call = async (side, mode, count) => {
      const before = { requests: receiver.requests, events: receiver.events }
      const ms = await page.evaluate(async ([fixture, caseName, target, m, n, max]) => (await import(fixture))[caseName](target, m, n, max), [FIXTURE, side, url, mode, count, MAX_EVENTS])
      // crossbus primes its leader with one event, delivered in a request of its own before the clock starts.
      const primer = side === 'crossbus' ? 1 : 0
      const requests = receiver.requests - before.requests - primer
      const events = receiver.events - before.events - primer
      if (events !== count) throw new Error(`${side} ${mode}: the receiver got ${events} events, expected ${count}`)
      return { rate: (count / ms) * 1000, requests }
    }
    // Warm-up: compile every path and open connections.
    for (const side of ['crossbus', 'raw']) for (const mode of ['batch', 'structured']) await call(side, mode, 200)
    for (const side of ['rawDurable', 'rawDurableBatched']) await call(side, 'batch', 200)

    const batch = { crossbus: [], raw: [], rawDurable: [], rawDurableBatched: [] }
    const sides = ['crossbus', 'raw', 'rawDurable', 'rawDurableBatched']
    let batchRequests
    for (let round = 0; round < BATCH_ROUNDS; round++) {
      // Each side goes first in turn, so none always runs on the page the others left behind.
      for (const side of [...sides.slice(round % sides.length), ...sides.slice(0, round % sides.length)]) {
        const result = await call(side, 'batch', N)
        batch[side].push(result.rate)
        if (side === 'crossbus') batchRequests = result.requests
      }
    }
    // One request per event takes seconds per run: one round each.
    const single = { crossbus: await call('crossbus', 'structured', SINGLE_N), raw: await call('raw', 'structured', SINGLE_N) }
    if (problems.length) throw new Error(`the bench page reported errors: ${problems.join('; ')}`)
    return [
      row(`10,000 events, batch mode (${batchRequests} requests of up to ${MAX_EVENTS}): vs raw fetch loop`, median(batch.crossbus), median(batch.raw), '>= 0.9x'),
      row(`10,000 events, batch mode: vs a raw durable outbox (a put per event, the fetch loop, a range delete per request)`, median(batch.crossbus), median(batch.rawDurable)),
      row(`10,000 events, batch mode: vs a raw durable outbox of a record per request (the fewest puts and deletes)`, median(batch.crossbus), median(batch.rawDurableBatched)),
      row(`1,000 events, single mode (${single.crossbus.requests} requests): vs raw fetch loop`, single.crossbus.rate, single.raw.rate),
    ]
  } finally {
    await page.close()
    await receiver.close()
  }
}

/** A receiver that counts events and requests; CORS, since the page is on another port. */
async function startReceiver() {
  const state = { requests: 0, events: 0, origin: '', close: undefined }
  const server = createServer((request, response) => {
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST', 'access-control-allow-headers': '*', 'access-control-max-age': '600' }
    if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end()
    const chunks = []
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      state.requests++
      state.events += Array.isArray(body) ? body.length : 1
      response.writeHead(200, cors).end()
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.origin = `http://127.0.0.1:${server.address().port}`
  state.close = () => new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
  return state
}

function row(name, crossbus, peer, goal) {
  return { name, crossbus, peer, unit: 'events/s', ratio: crossbus / peer, ...(goal ? { goal } : {}) }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
