/**
 * A short random id for one bus instance (an event's `origin`). 64 random bits keep ids unique
 * across every context of an origin without any coordination. Called per bus, never at import.
 */
export function newOriginId(): string {
  const words = new Uint32Array(2)
  globalThis.crypto.getRandomValues(words)
  return words[0]!.toString(36).padStart(7, '0') + words[1]!.toString(36).padStart(7, '0')
}
