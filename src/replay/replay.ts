import { busError, checkOptions, currentContextKind, lazyImportHint, type BusEvent, type BusPlugin, type Provenance } from '../core/index'
import type { BusHistory } from './history'
import { retentionOf, type ReplayOptions } from './options'

/**
 * The replay plugin: keeps the events that enter the origin here (sent, or injected by a bridge)
 * as history, for `subscribe(..., { replay })` and `bus.history()`. `createBus({ replay })` of
 * `crossbus` adds it for you.
 *
 * Up front it only checks its options; the history itself (stores, writer, reader) is one chunk
 * loaded with `import()` when the bus is created, as IndexedDB is opened then anyway: one round
 * trip before the store opens, and buses without replay never load it.
 *
 * @example
 * import { createBus } from 'crossbus/core'
 * import { replay } from 'crossbus/replay'
 * const bus = createBus({ name: 'shop', plugins: [replay({ maxEvents: 1000 })] })
 */
/* @__NO_SIDE_EFFECTS__ */
export function replay(options: ReplayOptions = {}): BusPlugin {
  checkOptions(options, ['maxEvents', 'maxAgeMs', 'store'], 'replay')
  const retention = retentionOf(options)
  return {
    name: 'replay',
    setup(host) {
      // Outside a browser (Node, SSR, unit tests) there is no IndexedDB to miss: memory, quietly.
      const inMemory = options.store === 'memory' || (options.store === undefined && currentContextKind() === undefined && typeof indexedDB === 'undefined')
      let history: BusHistory | undefined
      // What reached the bus while the history was loading, with when it arrived: handed over in order.
      let early: [BusEvent, Provenance, number][] | undefined = []
      const loaded = import('./history').then(
        ({ createHistory }) => {
          history = createHistory(host, retention, inMemory)
          for (const [event, provenance, at] of early!) history.event(event, provenance, at)
          early = undefined
          return history
        },
        (cause: unknown) => {
          early = undefined
          const hint = lazyImportHint()
          const error = busError('PLUGIN_FAILED', `replay: the history of the bus "${host.name}" could not be loaded${hint ? ` (${hint})` : ''}; sending and live delivery are unaffected.`, cause)
          host.report(error)
          throw error
        },
      )
      // Said once on errors$ above; flushing and closing have nothing left to wait for.
      const settled = (use: (history: BusHistory) => Promise<unknown>) => loaded.then(use, () => {}).then(() => {})
      return {
        history: { read: async (query) => (await loaded).read(query) },
        event(event, provenance) {
          if (history) history.event(event, provenance)
          else early?.push([event, provenance, Date.now()])
        },
        flush: () => settled((loadedHistory) => loadedHistory.flush()),
        close: () => settled((loadedHistory) => loadedHistory.close()),
      }
    },
  }
}
