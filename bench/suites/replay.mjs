// Replay in real Chromium (cases in e2e/fixtures/replay/bench.ts): persisting 10,000 events
// through crossbus against raw idb in one relaxed transaction and against one transaction per
// event, replaying 10,000 stored events against a raw getAll, and reading one system's 10,000
// events out of 100,000 against a raw getAll on the system index. Rows are medians of alternating
// rounds; see bench/README.md for what each side does.

const N = 10_000
const ROUNDS = 5
// Reads of one system out of ten are short: more rounds, for a steadier median.
const SYSTEM_ROUNDS = 12
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
      ...(await oneSystemOfTen(page, problems)),
    ]
  } finally {
    await page.close()
  }
}

/** sys3's 10,000 events out of 100,000 stored (10 systems), and out of a store of those 10,000 alone. */
async function oneSystemOfTen(page, problems) {
  const call = (name, ...args) =>
    page.evaluate(async ([url, caseName, caseArgs]) => (await import(url))[caseName](...caseArgs), [FIXTURE, name, args])
  await call('prepareSystems')
  try {
    // The public API is timed only while it works: the bus is being rebuilt in parallel.
    let publicApi = true
    try {
      await call('readOneSystem', 0, true)
    } catch (error) {
      publicApi = false
      problems.length = 0
      console.warn(`replay: bus.history / subscribe over 100,000 events not timed: ${error instanceof Error ? error.message : error}`)
      await call('readOneSystem', 0, false)
    }
    const times = { store: [], raw: [], storeAlone: [], history: [], subscribe: [] }
    for (let round = 0; round < SYSTEM_ROUNDS; round++) {
      const t = await call('readOneSystem', round, publicApi)
      for (const key of Object.keys(t)) times[key].push(t[key])
    }
    // Two rounds say enough of a read that takes ~15 times as long.
    const fullScan = [await call('readOneSystemByFullScan'), await call('readOneSystemByFullScan')]
    if (problems.length) throw new Error(`the bench page reported errors: ${problems.join('; ')}`)
    // Ratios are medians of each round's own ratio: the reads of one round share the machine's
    // load of the moment, which drifts between rounds on a shared machine.
    const ratioTo = (ms, base) => median(ms.map((t, i) => t / base[i]))
    const raw = median(times.raw)
    const vsRaw = (what, ms, goal) =>
      timeRow(`${what}: vs idb getAll on the index, time ${ratioTo(ms, times.raw).toFixed(2)}x`, median(ms), raw, 1 / ratioTo(ms, times.raw), goal)
    const rows = [vsRaw('1 system of 10 (10,000 of 100,000), store.read', times.store, '>= 0.83x')]
    if (publicApi) {
      rows.push(vsRaw('1 system of 10, history()', times.history, '>= 0.83x'))
      rows.push(vsRaw('1 system of 10, subscribe, replay all', times.subscribe))
    }
    rows.push(timeRow(`1 system of 10, full scan + filter (no index, for reference): vs idb getAll on the index, time ${(median(fullScan) / raw).toFixed(2)}x`, median(fullScan), raw, raw / median(fullScan)))
    const grown = ratioTo(times.store, times.storeAlone)
    rows.push(
      timeRow(`store.read of 10,000: 100,000 stored vs 10,000 stored, time ${grown.toFixed(2)}x`, median(times.store), median(times.storeAlone), 1 / grown, '>= 0.83x'),
    )
    return rows
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
