// Request/reply tab-to-worker in one real Chromium page (bench/pages/request.js): crossbus's
// `bus.request()` answered by a worker's `bus.handle()`, against a raw MessageChannel round trip to
// the same worker. Latency: the median of sequential round trips, in alternating blocks; throughput:
// requests per second with 32 in flight, the median of alternating rounds after a warm-up. A raw
// BroadcastChannel round trip (the transport crossbus rides on) is measured beside them, for context.

const LATENCY_BLOCKS = 6
const SAMPLES_PER_BLOCK = 100
const ROUNDS = 5
const WARMUP_ROUNDS = 1
const REQUESTS_PER_ROUND = 2_000
const IN_FLIGHT = 32

/** @param {{ browser: import('playwright').Browser, baseURL: string }} context */
export async function run({ browser, baseURL }) {
  const context = await browser.newContext()
  // Cross-origin isolation: performance.now() ticks in 5 µs instead of 100 µs.
  await context.route('**/*', async (route) => {
    const response = await route.fetch()
    await route.fulfill({ response, headers: { ...response.headers(), 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } })
  })
  const page = await context.newPage()
  const problems = []
  page.on('pageerror', (error) => problems.push(error.message))
  try {
    await page.goto(`${baseURL}/bench/pages/request.html`)
    await page.waitForFunction(() => 'requestBench' in window, undefined, { timeout: 30_000 })
    await page.evaluate((name) => window.requestBench.setup(name), `bench-request-${Date.now().toString(36)}`)

    const order = (i) => [['raw', 'broadcast', 'bus'], ['bus', 'raw', 'broadcast'], ['broadcast', 'bus', 'raw']][i % 3]
    const latency = { raw: [], broadcast: [], bus: [] }
    for (let block = 0; block < LATENCY_BLOCKS; block++) {
      for (const which of order(block)) {
        latency[which].push(await page.evaluate(([w, n]) => window.requestBench.latency(w, n), [which, SAMPLES_PER_BLOCK]))
      }
    }
    const rate = { raw: [], broadcast: [], bus: [] }
    for (let i = 0; i < WARMUP_ROUNDS + ROUNDS; i++) {
      for (const which of order(i)) {
        const value = await page.evaluate(([w, n, f]) => window.requestBench.throughput(w, n, f), [which, REQUESTS_PER_ROUND, IN_FLIGHT])
        if (i >= WARMUP_ROUNDS) rate[which].push(value)
      }
    }
    if (problems.length) throw new Error(problems.join('\n'))
    const p50 = { raw: median(latency.raw), broadcast: median(latency.broadcast), bus: median(latency.bus) }
    const rps = { raw: median(rate.raw), broadcast: median(rate.broadcast), bus: median(rate.bus) }
    return [
      { name: 'request tab -> worker, p50 round trip: vs raw MessageChannel', crossbus: p50.bus, peer: p50.raw, unit: 'ms', ratio: p50.raw / p50.bus, goal: '>= 0.67x' },
      { name: 'request tab -> worker, p50 round trip: vs raw BroadcastChannel', crossbus: p50.bus, peer: p50.broadcast, unit: 'ms', ratio: p50.broadcast / p50.bus },
      { name: `request tab -> worker, ${IN_FLIGHT} in flight: vs raw MessageChannel`, crossbus: rps.bus, peer: rps.raw, unit: 'req/s', ratio: rps.bus / rps.raw, goal: '>= 0.67x' },
      { name: `request tab -> worker, ${IN_FLIGHT} in flight: vs raw BroadcastChannel`, crossbus: rps.bus, peer: rps.broadcast, unit: 'req/s', ratio: rps.bus / rps.broadcast },
    ]
  } finally {
    await context.close()
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
