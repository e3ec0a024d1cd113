import type { PeerKind } from './plugin'

type Scope = Record<string, unknown>

/**
 * The kind of browser context this code runs in, or `undefined` outside a browser (Node, SSR),
 * where a bus stays local. Worker scopes are tested first and without touching `window` or
 * `document`, which a worker must not read.
 */
export function currentContextKind(): PeerKind | undefined {
  const scope = globalThis as unknown as Scope
  if (isInstance(scope, 'WorkerGlobalScope')) {
    if (isInstance(scope, 'ServiceWorkerGlobalScope')) return 'service-worker'
    if (isInstance(scope, 'SharedWorkerGlobalScope')) return 'shared-worker'
    return 'worker'
  }
  if (isInstance(scope, 'Window')) return scope.top === scope ? 'window' : 'iframe'
  return undefined
}

function isInstance(scope: Scope, constructorName: string): boolean {
  const constructor = scope[constructorName]
  return typeof constructor === 'function' && scope instanceof constructor
}

/**
 * What to say when an on-demand `import()` fails, if anything: service workers forbid `import()`
 * by spec, so there the lazy parts of crossbus must be bundled into the worker's script.
 */
export function lazyImportHint(): string | undefined {
  return currentContextKind() === 'service-worker'
    ? 'service workers forbid import(), so build the service worker as one bundle with dynamic imports inlined, as service-worker build tools do'
    : undefined
}
