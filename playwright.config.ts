// Browser tests run in the system Chromium (see scripts/chromium.mjs); Playwright never
// downloads browsers. `npm run test:browser` checks for Chromium first.
import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from './scripts/chromium.mjs'

// E2E_PORT lets two checkouts on one machine run their suites side by side.
const port = Number(process.env.E2E_PORT || 5179)
const baseURL = `http://127.0.0.1:${port}`

export default defineConfig({
  testDir: 'e2e',
  // Playwright empties its output directory when a run starts: one per port, so that a run beside
  // this one (another E2E_PORT in the same work tree) never deletes this run's traces.
  outputDir: `test-results/e2e-${port}`,
  // Two workers, each with its own browser, take spec files in turn; a file's tests run in order
  // in one worker, so its beforeAll servers (receiver, NATS, demo and devtools dev servers) are
  // shared by its tests only. Specs are isolated from each other: a bus name of their own
  // (uniqueName), a browser context per test (its own storage, channels and locks), servers on
  // free ports. E2E_WORKERS overrides (1 to run in order, as before).
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS || 2),
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  // Bounds, not waits: a passing test never reaches them. Wide enough for a machine with a CPU hog
  // beside the suite (scripts/cpu-hog.mjs), where a page of modules from source takes seconds.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions,
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: 'retain-on-failure',
  },
  webServer: {
    command: 'node node_modules/vite/bin/vite.js --config e2e/vite.config.ts',
    url: `${baseURL}/e2e/fixtures/blank.html`,
    env: { E2E_PORT: String(port) },
    // Always our own server, so a stale one from another run can't serve old config.
    reuseExistingServer: false,
    // First start on a fresh clone pre-bundles every dependency.
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
})
