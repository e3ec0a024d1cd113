/**
 * Surfaces an error no one handles the way RxJS does: where the platform has `reportError`
 * (browsers, workers) the console and `window.onerror` see it; elsewhere it is thrown from a
 * timer, as an uncaught error. Never throws into the caller, so delivery to others goes on.
 */
export function reportUnhandled(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError
  if (typeof report === 'function') report(error)
  else
    setTimeout(() => {
      throw error
    })
}
