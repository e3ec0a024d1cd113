// Replay in real Chromium (cases in e2e/fixtures/replay/bench.ts): persisting 10,000 events
// through crossbus against raw idb in one relaxed transaction and against one transaction per
// event, and replaying 10,000 stored events against a raw getAll. Rows are medians of alternating
// rounds, each on a fresh database; see docs/readme/replay.md for what each side does.

const N = 10_000
const ROUNDS = 5
const FIXTURE = '/e2e/fixtures/replay/bench.ts'

/** @param {{ browser: import('playwright').Browser, baseURL: string }} context */
export async function run({ browser, baseURL }) {
  const page = await browser.newPage()
  const problems = []
  page.on('pageerror', (error) => problems.push(error.message))
  try {
    await page.goto(`${baseURL}/e2e/fixtures/blank.html`)
    const call = (name, n) =>
      page.evaluate(async ([url, caseName, count]) => (await import(url))[caseName](count), [FIXTURE, name, n])

    // Warm-up: compile every path once.
    for (const name of ['persistCrossbus', 'persistRawBatched', 'persistRawPerEvent', 'replay']) await call(name, 500)

    const crossbus = []
    const batched = []
    const perEvent = []
    const replayed = { crossbus: [], history: [], raw: [] }
    for (let round = 0; round < ROUNDS; round++) {
      crossbus.push(await call('persistCrossbus', N))
      batched.push(await call('persistRawBatched', N))
      // One transaction per event takes ~20 s for 10,000; one round says enough.
      if (round === 0) perEvent.push(await call('persistRawPerEvent', N))
      const r = await call('replay', N)
      replayed.crossbus.push(r.crossbus)
      replayed.history.push(r.history)
      replayed.raw.push(r.raw)
    }
    if (problems.length) throw new Error(`the bench page reported errors: ${problems.join('; ')}`)

    const rate = (ms) => (N / median(ms)) * 1000
    return [
      row('persist 10,000 events: vs idb, one relaxed transaction', rate(crossbus), rate(batched), '>= 0.8x'),
      row('persist 10,000 events: vs idb, one transaction per event', rate(crossbus), rate(perEvent), '>= 10x'),
      row('replay 10,000 events (subscribe, replay all): vs idb getAll', rate(replayed.crossbus), rate(replayed.raw), '>= 0.5x'),
      row('history() of 10,000 events: vs idb getAll', rate(replayed.history), rate(replayed.raw)),
    ]
  } finally {
    await page.close()
  }
}

function row(name, crossbus, peer, goal) {
  const result = { name, crossbus, peer, unit: 'events/s', ratio: crossbus / peer }
  return goal ? { ...result, goal } : result
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
