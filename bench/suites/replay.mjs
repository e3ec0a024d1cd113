// Replay in real Chromium (cases in e2e/fixtures/replay/bench.ts): persisting 10,000 events
// through crossbus against raw idb putting one record per event into a bare store, in one relaxed
// transaction and in one transaction per event; replaying 10,000 stored events against a raw
// getAll; and reading one system's 10,000 events out of 100,000 (a store that also holds the
// other systems' events) against a raw getAll on a primary-key range [system, ...]. Rows are
// medians of alternating rounds; see bench/README.md for what each side does.

const N = 10_000
const ROUNDS = 5
// One transaction per event takes ~2 ms each: its rate is measured over 1,000 events.
const PER_EVENT_N = 1_000
const REPLAY_ROUNDS = 2
const SYSTEM_ROUNDS = 5
/** The suite fills 200,000 records and reads them many times: 205 s at load average 40 on 2 cores. */
export const limitMs = 480_000
const FIXTURE = '/e2e/fixtures/replay/bench.ts'

/** @param {{ browser: import('playwright').Browser, baseURL: string }} context */
export async function run({ browser, baseURL }) {
  const page = await browser.newPage()
  const problems = []
  page.on('pageerror', (error) => problems.push(error.message))
  try {
    await page.goto(`${baseURL}/e2e/fixtures/blank.html`)
    const call = (name, ...args) =>
      page.evaluate(async ([url, caseName, caseArgs]) => (await import(url))[caseName](...caseArgs), [FIXTURE, name, args])

    // Warm-up: compile every path once.
    for (const name of ['persistCrossbus', 'persistRawBatched', 'persistRawPerEvent', 'replay']) await call(name, 500)

    const crossbus = []
    const batched = []
    const perEvent = []
    const replayed = { crossbus: [], history: [], raw: [] }
    for (let round = 0; round < ROUNDS; round++) {
      crossbus.push(await call('persistCrossbus', N))
      batched.push(await call('persistRawBatched', N))
      if (round === 0) perEvent.push(await call('persistRawPerEvent', PER_EVENT_N))
      if (round < REPLAY_ROUNDS) {
        const r = await call('replay', N)
        for (const key of Object.keys(replayed)) replayed[key].push(r[key])
      }
    }
    if (problems.length) throw new Error(`the bench page reported errors: ${problems.join('; ')}`)

    const rate = (ms, n = N) => (n / median(ms)) * 1000
    return [
      row('persist 10,000 events: vs raw idb, one relaxed transaction of per-event puts', rate(crossbus), rate(batched), '>= 1.5x'),
      row('persist 10,000 events: vs raw idb, one transaction per event (its rate over 1,000)', rate(crossbus), rate(perEvent, PER_EVENT_N), '>= 10x'),
      row('replay 10,000 events (subscribe, replay all): vs raw getAll', rate(replayed.crossbus), rate(replayed.raw), '>= 0.5x'),
      row('history() of 10,000 events: vs raw getAll', rate(replayed.history), rate(replayed.raw)),
      ...(await oneSystemOfTen(call, problems)),
    ]
  } finally {
    await page.close()
  }
}

/** sys3's 10,000 events out of 100,000 stored (10 systems), crossbus against the bare per-event store. */
async function oneSystemOfTen(call, problems) {
  await call('prepareSystems')
  try {
    const times = { store: [], history: [], raw: [], rawBatches: [] }
    for (let round = 0; round < SYSTEM_ROUNDS; round++) {
      const t = await call('readOneSystem', round)
      for (const key of Object.keys(times)) times[key].push(t[key])
    }
    if (problems.length) throw new Error(`the bench page reported errors: ${problems.join('; ')}`)
    // Ratios are medians of each round's own ratio: the reads of one round share the machine's
    // load of the moment, which drifts between rounds on a shared machine.
    const ratioTo = (ms, base) => median(ms.map((t, i) => t / base[i]))
    const raw = median(times.raw)
    // The goal is on time (crossbus <= 0.8x the raw time); `ratio` is raw time / crossbus time.
    const vsRaw = (what, ms, goal) => {
      const time = ratioTo(ms, times.raw)
      return timeRow(`${what}: vs raw getAll on a key range [system, ...], time ${time.toFixed(2)}x`, median(ms), raw, 1 / time, goal)
    }
    return [
      vsRaw('1 system of 10 (10,000 of 100,000), history()', times.history, '>= 1.25x'),
      vsRaw('1 system of 10, store.read', times.store, '>= 1.25x'),
      vsRaw('1 system of 10, raw getAll of the batch records (the layout\'s limit)', times.rawBatches),
    ]
  } finally {
    await call('dropSystems')
  }
}

/** A row of times; `ratio` is peer time / crossbus time, so higher is better as in every row. */
function timeRow(name, crossbusMs, peerMs, ratio, goal) {
  const result = { name, crossbus: crossbusMs, peer: peerMs, unit: 'ms', ratio }
  return goal ? { ...result, goal } : result
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
