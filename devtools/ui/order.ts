// The order of the events table: by event time (the default) or by arrival here.

/** The time an event sorts by: a time no date holds (a forged NaN, say) goes last, so the order stays total. */
export function timeKey(time: number): number {
  return Number.isFinite(time) ? time : Number.POSITIVE_INFINITY
}

/**
 * Sorts row numbers by their event's time (see {@link timeKey}), ties in arrival order. Events mostly arrive in time
 * order, so an already sorted list (the common case) costs one pass and no sort.
 */
export function sortByTime(rows: number[], timeOf: (n: number) => number): void {
  let sorted = true
  for (let i = 1; i < rows.length; i++) {
    if (timeOf(rows[i - 1]!) > timeOf(rows[i]!)) {
      sorted = false
      break
    }
  }
  if (!sorted) rows.sort((a, b) => timeOf(a) - timeOf(b) || a - b)
}
