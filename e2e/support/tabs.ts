import type { BrowserContext, Page } from '@playwright/test'
import { watchPage } from './watch-page'

let counter = 0
/** A bus name of its own per test, so no test hears another. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${++counter}`
}

/** A new tab on the blank fixture page, with a check that fails on its page and console errors. */
export async function openTab(context: BrowserContext): Promise<{ page: Page; check: () => void }> {
  const page = await context.newPage()
  const check = watchPage(page)
  await page.goto('/e2e/fixtures/blank.html')
  return { page, check }
}
