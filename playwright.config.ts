// Browser tests run in the system Chromium (see scripts/chromium.mjs); Playwright never
// downloads browsers. `npm run test:browser` checks for Chromium first.
import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from './scripts/chromium.mjs'

// E2E_PORT lets two checkouts on one machine run their suites side by side.
const port = Number(process.env.E2E_PORT || 5179)
const baseURL = `http://127.0.0.1:${port}`

export default defineConfig({
  testDir: 'e2e',
  // One worker, in order: the machine has 2 cores and many tests open several tabs.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL,
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions,
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
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
