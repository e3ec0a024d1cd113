import { expect, type Page } from '@playwright/test'

/**
 * Collects page errors and console errors (and any console text `alsoFailOn` picks, such as
 * framework warnings, but none that `expected` picks); the returned check fails the test if there
 * were any.
 */
export function watchPage(page: Page, alsoFailOn: (text: string) => boolean = () => false, expected: (text: string) => boolean = () => false): () => void {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if ((message.type() === 'error' || alsoFailOn(message.text())) && !expected(message.text())) problems.push(`console.${message.type()}: ${message.text()}`)
  })
  return () => expect(problems).toEqual([])
}
