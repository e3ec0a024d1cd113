// The NATS bridge device to device, in real Chromium against a real nats-server (Debian's, started
// here with WebSocket on 127.0.0.1 and stopped after): two browser contexts (two "devices"), each
// with a bus bridged to NATS and, side by side in the same page, a raw `@nats-io/nats-core`
// connection doing the same publish/subscribe of the same small JSON payload.
// Page code: e2e/fixtures/nats/bench.ts.
//
// - throughput: 2,000 events sent in one go on device A until the last arrives on device B
//   (times from performance.timeOrigin + now(), comparable between pages of one browser); median of
//   alternating rounds after a warm-up.
// - the bridge's own cost (a row without a goal): the same throughput against a second crossbus bus
//   linked to NATS by the least glue that carries its events (the raw client publishing each event
//   as its CloudEvent JSON, parsing, mapping back and injecting what arrives; no identity ledger,
//   gap reports, subject checks or handover). What the bus and the CloudEvents mapping cost, which
//   any bridge pays, is on both sides; the raw client's row above has none of it.
// - latency: one event at a time, A to B and back (B answers each with one event), halved; p50
//   and p99 of alternating blocks.
// - JetStream: the same throughput round in JetStream mode (published to a stream with
//   Nats-Msg-Id, read through each device's durable consumer with explicit acks) against the raw
//   `@nats-io/jetstream` client doing the same (page code: e2e/fixtures/nats/bench-jetstream.ts).
import { startNatsServer } from '../../e2e/fixtures/nats/server.mjs'

// Core rounds, latency blocks and JetStream rounds: longer than the default suite limit on a loaded machine.
export const limitMs = 300_000

const EVENTS = 2_000
const ROUNDS = 5
const WARMUP_ROUNDS = 1
const LATENCY_BLOCKS = 4
const SAMPLES_PER_BLOCK = 50

/** @param {{ browser: import('playwright').Browser, baseURL: string }} context */
export async function run({ browser, baseURL }) {
  const server = await startNatsServer({ jetstream: true })
  const contexts = [await browser.newContext(), await browser.newContext()]
  const problems = []
  try {
    const [sender, receiver] = await Promise.all(contexts.map((context) => context.newPage()))
    const busName = `bench-${Math.random().toString(36).slice(2)}`
    for (const page of [sender, receiver]) {
      page.on('pageerror', (error) => problems.push(error.message))
      await page.goto(`${baseURL}/e2e/fixtures/blank.html`)
      await page.evaluate(async ([servers, name]) => {
        const { startBenchDevice } = await import('/e2e/fixtures/nats/bench.ts')
        window.natsBench = await startBenchDevice(servers, name)
      }, [server.wsUrl, busName])
    }
    await receiver.evaluate(() => window.natsBench.echo())

    const round = async (which) => {
      await receiver.evaluate(([w, n]) => window.natsBench.arm(w, n), [which, EVENTS])
      const started = await sender.evaluate(([w, n]) => window.natsBench.blast(w, n), [which, EVENTS])
      const last = await receiver.evaluate(() => window.natsBench.arrived())
      return last - started
    }
    const times = { raw: [], bus: [], glue: [] }
    const contenders = ['raw', 'bus', 'glue']
    for (let i = 0; i < WARMUP_ROUNDS + ROUNDS; i++) {
      // Each contender goes first, second and third in turn.
      for (const which of [...contenders.slice(i % 3), ...contenders.slice(0, i % 3)]) {
        const ms = await round(which)
        if (i >= WARMUP_ROUNDS) times[which].push(ms)
      }
    }
    const rate = (ms) => (EVENTS / ms) * 1000

    const trips = { raw: [], bus: [] }
    await sender.evaluate(() => window.natsBench.ping('bus', 20).then(() => window.natsBench.ping('raw', 20)))
    for (let block = 0; block < LATENCY_BLOCKS; block++) {
      for (const which of block % 2 === 0 ? ['raw', 'bus'] : ['bus', 'raw']) {
        trips[which].push(...(await sender.evaluate(([w, n]) => window.natsBench.ping(w, n), [which, SAMPLES_PER_BLOCK])))
      }
    }
    if (problems.length) throw new Error(`page errors: ${problems.join('; ')}`)
    const oneWay = (list, q) => quantile(list, q) / 2
    const busRate = rate(median(times.bus))
    const rawRate = rate(median(times.raw))
    const glueRate = rate(median(times.glue))
    const rows = [
      { name: `device to device, ${EVENTS.toLocaleString('en-US')} events: vs raw nats.js`, crossbus: busRate, peer: rawRate, unit: 'events/s', ratio: busRate / rawRate, goal: '>= 0.9x' },
      { name: `device to device, ${EVENTS.toLocaleString('en-US')} events: vs a bus on raw nats.js (CloudEvent JSON, inject; no ledger, gaps, checks, handover)`, crossbus: busRate, peer: glueRate, unit: 'events/s', ratio: busRate / glueRate },
    ]
    for (const [label, q] of [['p50', 0.5], ['p99', 0.99]]) {
      const bus = oneWay(trips.bus, q)
      const raw = oneWay(trips.raw, q)
      rows.push({ name: `one-way latency ${label} (half a ping-pong): vs raw nats.js`, crossbus: bus, peer: raw, unit: 'ms', ratio: raw / bus })
    }
    await Promise.all([sender, receiver].map((page) => page.evaluate(() => window.natsBench.close())))
    rows.push(await jetstreamRow([sender, receiver], server.wsUrl, problems))
    return rows
  } finally {
    await Promise.all(contexts.map((context) => context.close()))
    await server.dispose()
  }
}

/** JetStream mode device to device against the raw @nats-io/jetstream client, alternating rounds. */
async function jetstreamRow(pages, servers, problems) {
  const [sender, receiver] = pages
  const busName = `bench-js-${Math.random().toString(36).slice(2)}`
  const stream = `BENCH_${Math.random().toString(36).slice(2).toUpperCase()}`
  // One after the other: the first makes the stream the second finds.
  for (const [page, device] of [[sender, 'a'], [receiver, 'b']]) {
    await page.evaluate(async ([s, name, st, d]) => {
      const { startJetStreamBenchDevice } = await import('/e2e/fixtures/nats/bench-jetstream.ts')
      window.natsJsBench = await startJetStreamBenchDevice(s, name, st, d)
    }, [servers, busName, stream, device])
  }
  const round = async (which) => {
    await receiver.evaluate(([w, n]) => window.natsJsBench.arm(w, n), [which, EVENTS])
    const started = await sender.evaluate(([w, n]) => window.natsJsBench.blast(w, n), [which, EVENTS])
    const last = await receiver.evaluate(() => window.natsJsBench.arrived())
    return last - started
  }
  const times = { raw: [], bus: [] }
  for (let i = 0; i < WARMUP_ROUNDS + ROUNDS; i++) {
    for (const which of i % 2 === 0 ? ['raw', 'bus'] : ['bus', 'raw']) {
      const ms = await round(which)
      if (i >= WARMUP_ROUNDS) times[which].push(ms)
    }
  }
  if (problems.length) throw new Error(`page errors: ${problems.join('; ')}`)
  const unacked = await sender.evaluate(() => window.natsJsBench.unacked())
  if (unacked > 0) console.log(`  raw @nats-io/jetstream: ${unacked} publishes got no ack in time (every event still arrived)`)
  await Promise.all(pages.map((page) => page.evaluate(() => window.natsJsBench.close())))
  const busRate = (EVENTS / median(times.bus)) * 1000
  const rawRate = (EVENTS / median(times.raw)) * 1000
  return { name: `JetStream device to device, ${EVENTS.toLocaleString('en-US')} events (publish, durable consume, ack): vs raw @nats-io/jetstream`, crossbus: busRate, peer: rawRate, unit: 'events/s', ratio: busRate / rawRate, goal: '>= 0.3x' }
}

function median(list) {
  return quantile(list, 0.5)
}

function quantile(list, q) {
  const sorted = [...list].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}
