// How much of a value the estimate looks at: a look, not a walk of all of it.
const MAX_NODES = 256

/**
 * A quick estimate of the memory an event's data holds, for bounding what is kept by bytes:
 * strings by length, numbers and the like by eight, binary by its buffer, and what lies past the
 * first few hundred values at eight bytes each. Cheap for small data, never slow for large.
 */
export function roughSize(value: unknown): number {
  let bytes = 0
  let nodes = 0
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const item = stack.pop()
    bytes += 8
    if (typeof item === 'string') bytes += item.length
    else if (typeof item === 'object' && item !== null) {
      if (ArrayBuffer.isView(item)) bytes += item.buffer.byteLength
      else if (item instanceof ArrayBuffer) bytes += item.byteLength
      else {
        const children = Array.isArray(item) ? item : item instanceof Map || item instanceof Set ? [...item.values()] : Object.values(item)
        const room = Math.max(0, MAX_NODES - nodes)
        nodes += children.length
        if (children.length > room) bytes += (children.length - room) * 8
        for (let i = 0; i < Math.min(room, children.length); i++) stack.push(children[i])
      }
    }
  }
  return bytes
}
