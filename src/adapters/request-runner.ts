import type { BusError, BusHandle, RequestOptions } from '../core/index'

/** What `useRequest` shows: the last reply, the last failure, and whether a request is on its way. */
export interface RequestState<R> {
  /** The last reply (kept while a new request is on its way), `undefined` before the first. */
  readonly data: R | undefined
  /** Why the last request failed (`NOT_FOUND`, `TIMEOUT`, the handler's message...); cleared by the next. */
  readonly error: BusError | undefined
  readonly loading: boolean
}

export const IDLE: RequestState<never> = Object.freeze({ data: undefined, error: undefined, loading: false })

/**
 * The framework-free part of `useRequest`: one request at a time (a new one cancels the one before,
 * whose outcome is then ignored), every change of state told to `set`, and `dispose` cancelling
 * whatever is on its way without telling anyone.
 */
export function requestRunner(bus: () => BusHandle, target: () => readonly [system: string, kind: string, path: string], set: (state: RequestState<unknown>) => void) {
  let current: AbortController | undefined
  let state: RequestState<unknown> = IDLE
  const update = (next: RequestState<unknown>) => set((state = next))
  return {
    /** Resolves with the reply, or `undefined` when it failed (see the state's `error`) or was superseded. Never rejects. */
    async request(data?: unknown, options: RequestOptions = {}): Promise<unknown> {
      current?.abort()
      const controller = new AbortController()
      current = controller
      options.signal?.addEventListener('abort', () => controller.abort(options.signal!.reason), { once: true })
      if (options.signal?.aborted) controller.abort(options.signal.reason)
      update({ data: state.data, error: undefined, loading: true })
      const [system, kind, path] = target()
      try {
        const reply = await bus().request(system, kind, path, data, { ...options, signal: controller.signal })
        if (current === controller) update({ data: reply, error: undefined, loading: false })
        return reply
      } catch (error) {
        if (current === controller) update({ data: state.data, error: error as BusError, loading: false })
        return undefined
      } finally {
        if (current === controller) current = undefined
      }
    },
    dispose(): void {
      const running = current
      current = undefined
      running?.abort()
    },
  }
}
