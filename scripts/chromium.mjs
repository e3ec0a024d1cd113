// Where the browser for e2e tests and benchmarks lives, and how to launch it.
// Playwright must never download its own browsers: we drive the system Chromium
// (Debian's `chromium`) or whatever CHROMIUM_PATH points at.
// Node built-ins only: scripts/ensure-chromium.mjs imports this before `npm ci`.

/** The Chromium binary used when CHROMIUM_PATH is not set. */
export const defaultChromiumPath = '/usr/bin/chromium'

/** The Chromium (or Chrome) binary to launch: CHROMIUM_PATH if set, else Debian's. */
export const chromiumPath = process.env.CHROMIUM_PATH || defaultChromiumPath

/**
 * Flags for a quiet, reproducible headless run. `--no-sandbox` because CI runs
 * as root; the rest stop Chromium from phoning home or updating itself mid-test.
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

/**
 * Options for Playwright's `chromium.launch()` and `use.launchOptions`.
 *
 * @example
 * import { chromium } from 'playwright'
 * import { chromiumLaunchOptions } from './chromium.mjs'
 * const browser = await chromium.launch(chromiumLaunchOptions)
 */
export const chromiumLaunchOptions = {
  executablePath: chromiumPath,
  args: chromiumArgs,
  headless: true,
}
