/**
 * `array` behind a proxy that counts reads of its elements and listings of its keys: how far a
 * walk went, without a clock.
 */
export function watched<T>(array: T[]): { array: T[]; touches: () => number } {
  let touches = 0
  const isIndex = (key: string | symbol) => typeof key === 'string' && /^\d+$/.test(key)
  const proxy = new Proxy(array, {
    get(target, key, receiver) {
      if (isIndex(key)) touches++
      return Reflect.get(target, key, receiver)
    },
    ownKeys(target) {
      touches++
      return Reflect.ownKeys(target)
    },
  })
  return { array: proxy, touches: () => touches }
}
