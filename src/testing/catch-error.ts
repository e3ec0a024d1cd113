import { BusError } from '../core/index'

/** Runs `run` and returns the BusError it throws; fails the test if it throws nothing or something else. */
export function catchError(run: () => unknown): BusError {
  try {
    run()
  } catch (error) {
    if (error instanceof BusError) return error
    throw error
  }
  throw new Error('expected a BusError, nothing was thrown')
}
