// Types for scripts/chromium.mjs, so TypeScript configs (playwright.config.ts) can import it.
import type { LaunchOptions } from '@playwright/test'

export declare const defaultChromiumPath: string
export declare const chromiumPath: string
export declare const chromiumArgs: string[]
export declare const chromiumLaunchOptions: LaunchOptions & {
  executablePath: string
  args: string[]
  headless: true
}
