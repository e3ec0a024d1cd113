// The devtools panel in one real Chromium page (e2e/fixtures/devtools/bench.ts): what observing
// costs a send (panel absent vs mounted closed vs mounted open, local buses so only the observer
// differs; and the panel against a bare plugin that only keeps the last 10,000 events, the floor
// any recorder pays for keeping events alive), and, with 100,000 events buffered, the time of a
// filter change, of scrolling one page of rows and of drawing the timeline against the 16 ms of a 60 Hz frame.

const FRAME_MS = 16

/** @param {{ browser: import('playwright').Browser, baseURL: string }} context */
export async function run({ browser, baseURL }) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  const problems = []
  page.on('pageerror', (error) => problems.push(error.message))
  try {
    await page.goto(`${baseURL}/e2e/fixtures/devtools/bench.html`)
    await page.waitForFunction(() => 'devtoolsBench' in window, undefined, { timeout: 30_000 })
    const sends = await page.evaluate(() => window.devtoolsBench.sends({ rounds: 11, roundMs: 150 }))
    const table = await page.evaluate(() => window.devtoolsBench.table({ events: 100_000, repeats: 3 }))
    if (problems.length) throw new Error(`the bench page reported errors: ${problems.join('; ')}`)
    return [
      { name: 'send, panel mounted and closed vs no panel', crossbus: sends.closed, peer: sends.absent, unit: 'ops/s', ratio: sends.closed / sends.absent, goal: '>= 0.9x' },
      { name: 'send, panel mounted and open vs no panel', crossbus: sends.open, peer: sends.absent, unit: 'ops/s', ratio: sends.open / sends.absent, goal: '>= 0.8x' },
      { name: 'send, panel mounted and open vs a plugin keeping 10,000 events', crossbus: sends.open, peer: sends.kept, unit: 'ops/s', ratio: sends.open / sends.kept, goal: '>= 0.95x' },
      { name: 'send and its recorder batch, panel open vs no panel', crossbus: sends.batched.open, peer: sends.batched.absent, unit: 'ops/s', ratio: sends.batched.open / sends.batched.absent },
      { name: 'send, a plugin keeping 10,000 events vs no panel (the floor)', crossbus: sends.kept, peer: sends.absent, unit: 'ops/s', ratio: sends.kept / sends.absent },
      { name: 'filter change, 100,000 events buffered vs a 16 ms frame', crossbus: table.filterMs, peer: FRAME_MS, unit: 'ms', ratio: FRAME_MS / table.filterMs, goal: '>= 1x' },
      { name: `scroll one page (${table.rows} rows built) vs a 16 ms frame`, crossbus: table.scrollMs, peer: FRAME_MS, unit: 'ms', ratio: FRAME_MS / table.scrollMs, goal: '>= 1x' },
      { name: `timeline draws ${table.timelineMarks.toLocaleString('en-US')} events vs a 16 ms frame`, crossbus: table.timelineMs, peer: FRAME_MS, unit: 'ms', ratio: FRAME_MS / table.timelineMs, goal: '>= 1x' },
    ]
  } finally {
    await page.close()
  }
}
