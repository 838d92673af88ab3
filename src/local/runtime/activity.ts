/**
 * In-flight work of the runtime (deliveries, retries, asynchronous invocations, executions), so a
 * caller can wait until everything an order set off has settled before it reads the tables and queues.
 */
export class Activity {
  private count = 0;
  private waiters: (() => void)[] = [];

  get inFlight(): number {
    return this.count;
  }

  /** Counts `work` as in flight until it settles; returns it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.count++;
    const done = () => {
      this.count--;
      if (this.count === 0) {
        // Let work scheduled as the last piece settles register itself before declaring idle.
        setImmediate(() => {
          if (this.count !== 0) return;
          const waiters = this.waiters;
          this.waiters = [];
          for (const w of waiters) w();
        });
      }
    };
    work.then(done, done);
    return work;
  }

  /** Resolves when nothing is in flight; rejects after `timeoutMs`. */
  idle(timeoutMs = 60_000): Promise<void> {
    if (this.count === 0)
      return new Promise((resolve) =>
        setImmediate(() => (this.count === 0 ? resolve() : this.idle(timeoutMs).then(resolve))),
      );
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the runtime was still busy after ${timeoutMs} ms (${this.count} in flight)`)),
        timeoutMs,
      );
      timer.unref?.();
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
