import { checkOptions, type BusPlugin } from '../core/index'
import { createHistory } from './history'
import { retentionOf, type ReplayOptions } from './options'

/**
 * The replay plugin: keeps the events that enter the origin here (sent, or injected by a bridge)
 * as history, for `subscribe(..., { replay })` and `bus.history()`. `createBus({ replay })` of
 * `crossbus` adds it for you.
 *
 * @example
 * import { createBus } from 'crossbus/core'
 * import { replay } from 'crossbus/replay'
 * const bus = createBus({ name: 'shop', plugins: [replay({ maxEvents: 1000 })] })
 */
/* @__NO_SIDE_EFFECTS__ */
export function replay(options: ReplayOptions = {}): BusPlugin {
  checkOptions(options, ['maxEvents', 'maxAgeMs', 'store'], 'replay')
  retentionOf(options)
  return {
    name: 'replay',
    setup(host) {
      const history = createHistory(host, options)
      return {
        history: { read: (query) => history.read(query) },
        event(event, provenance) {
          history.saw(event, provenance)
          // The context an event entered the origin through stores it; the others read it.
          if (provenance.arrival !== 'received') history.store(event)
        },
        flush: () => history.flush(),
        close: () => history.close(),
      }
    },
  }
}
