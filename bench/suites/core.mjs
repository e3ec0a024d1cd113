// Core bus throughput in one real Chromium page (bench/pages/core.js): send against mitt and an
// RxJS Subject doing the same work, and routing cost with 10,000 subscriptions against 10.
// Every row is a median of alternating rounds after a warm-up; see bench/README.md.

const ROUNDS = { warmupMs: 400, roundMs: 150, rounds: 7, batchMs: 10 }

/** @param {{ browser: import('playwright').Browser, baseURL: string }} context */
export async function run({ browser, baseURL }) {
  const page = await browser.newPage()
  const problems = []
  page.on('pageerror', (error) => problems.push(error.message))
  try {
    await page.goto(`${baseURL}/bench/pages/core.html`)
    await page.waitForFunction(() => 'coreBench' in window, undefined, { timeout: 30_000 })
    const runCase = (name) =>
      page.evaluate(([caseName, options]) => window.coreBench.runCase(caseName, options), [name, ROUNDS])

    const rows = []
    // The goals (issue 20): one subscriber against bare mitt (what building an event costs beyond
    // mitt's call), a hundred against mitt building the same event (what fan-out costs).
    const goals = { 1: { bare: '>= 0.5x' }, 100: { mitt: '>= 1.2x' } }
    for (const subscribers of [1, 100]) {
      const { medians } = await runCase(`send${subscribers}`)
      const label = `send, ${subscribers} subscriber${subscribers > 1 ? 's' : ''}`
      rows.push(throughput(`${label}: vs bare mitt (data only)`, medians.crossbus, medians.bare, goals[subscribers].bare))
      rows.push(throughput(`${label}: vs mitt building the same event`, medians.crossbus, medians.mitt, goals[subscribers].mitt))
      rows.push(throughput(`${label}: vs RxJS Subject`, medians.crossbus, medians.rxjs))
    }
    // The goal is for sends to one system. The cache-miss row shows the uncached path
    // (exact map, trie, sort) is not a scan; it has no goal of its own.
    const routes = [
      ['routeGlob', 'routing to s7.x (1 glob match): 10,000 subs vs 10', '>= 0.8x'],
      ['routeExact', 'routing to s8.x (1 exact match): 10,000 subs vs 10', '>= 0.8x'],
      ['routeUncached', 'routing, cache misses (2,048 systems): 10,000 vs 10'],
    ]
    for (const [name, label, goal] of routes) {
      const { medians } = await runCase(name)
      rows.push(throughput(label, medians.large, medians.small, goal))
    }
    // Informational: what a full route cache costs subscribe + close (each one re-tests cached systems).
    const churn = await page.evaluate(() => window.coreBench.runChurn({ count: 2000, rounds: 5 }))
    rows.push(throughput('subscribe + close: route cache full vs empty', churn.medians.warm, churn.medians.cold))
    if (problems.length) throw new Error(`the bench page reported errors: ${problems.join('; ')}`)
    return rows
  } finally {
    await page.close()
  }
}

function throughput(name, crossbus, peer, goal) {
  const row = { name, crossbus, peer, unit: 'ops/s', ratio: crossbus / peer }
  return goal ? { ...row, goal } : row
}
