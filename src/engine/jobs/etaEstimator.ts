/**
 * Estimates time left from the recent rate of progress. An exponentially weighted rate
 * follows speed changes (e.g. a slower stage) without jumping at every update.
 */
export class EtaEstimator {
  private lastDone = 0;
  private lastTime: number;
  private rate: number | null = null; // units per second

  constructor(
    private readonly now: () => number = Date.now,
    private readonly smoothing = 0.3,
  ) {
    this.lastTime = now();
  }

  /** Starts a new stage: the rate of the previous stage no longer applies. */
  reset(done = 0): void {
    this.lastDone = done;
    this.lastTime = this.now();
    this.rate = null;
  }

  update(done: number, total: number | null): number | null {
    const t = this.now();
    const dt = (t - this.lastTime) / 1000;
    const dd = done - this.lastDone;
    if (dt > 0 && dd > 0) {
      const instant = dd / dt;
      this.rate = this.rate === null ? instant : this.smoothing * instant + (1 - this.smoothing) * this.rate;
      this.lastDone = done;
      this.lastTime = t;
    }
    if (total === null || this.rate === null || this.rate <= 0) return null;
    return Math.max(0, (total - done) / this.rate);
  }
}
