// A few runs are enough for honest traffic (one, almost always); more only come from forgeries.
const MAX_RUNS = 8

/**
 * The seqs of one origin already delivered: everything up to a floor, and a few runs above it.
 * Unlike "the highest seq so far", a forged seq far ahead adds a run of its own and hides none of
 * the real events below it.
 */
export class SeqRuns {
  // Sorted, disjoint, not touching, all above the floor: [first, last] pairs.
  private readonly runs: Array<[number, number]> = []

  constructor(private floor = 0) {}

  has(seq: number): boolean {
    if (seq <= this.floor) return true
    for (const [first, last] of this.runs) if (seq >= first && seq <= last) return true
    return false
  }

  /** Marks `seq` delivered; `false` if it already was. */
  add(seq: number): boolean {
    if (this.has(seq)) return false
    const runs = this.runs
    let at = 0
    while (at < runs.length && runs[at]![1] < seq) at++
    const joinsBefore = at > 0 && runs[at - 1]![1] === seq - 1
    const joinsAfter = at < runs.length && runs[at]![0] === seq + 1
    if (joinsBefore && joinsAfter) {
      runs[at - 1]![1] = runs[at]![1]
      runs.splice(at, 1)
    } else if (joinsBefore) runs[at - 1]![1] = seq
    else if (joinsAfter) runs[at]![0] = seq
    else runs.splice(at, 0, [seq, seq])
    // The run touching the floor, and the oldest runs past the bound, sink into the floor.
    while (runs.length > 0 && (runs[0]![0] === this.floor + 1 || runs.length > MAX_RUNS)) this.floor = runs.shift()![1]
    return true
  }
}
