/**
 * Time in the local runtime. Waits that AWS spells in seconds or minutes (EventBridge and Lambda
 * retry back-off, Step Functions retry intervals) are scaled by `scale`, so a run that exercises
 * retries still finishes in seconds. Limits stay nominal: an event's age is counted in nominal time,
 * so `maximum_event_age_in_seconds` cuts retries off where AWS would.
 */
export class Clock {
  /**
   * @param scale real milliseconds per nominal millisecond: 1 waits as AWS would; the default 0.001
   *   turns a 1 s wait into 1 ms.
   */
  constructor(readonly scale = 0.001) {
    if (!(scale >= 0) || !Number.isFinite(scale)) throw new Error(`time scale must be a number >= 0, got ${scale}`);
  }

  /** Waits `nominalMs`, scaled. */
  sleep(nominalMs: number): Promise<void> {
    const ms = nominalMs * this.scale;
    return new Promise((resolve) => (ms <= 0 ? setImmediate(resolve) : setTimeout(resolve, ms)));
  }

  /** The real wait for a nominal one, in ms. */
  scaled(nominalMs: number): number {
    return nominalMs * this.scale;
  }
}

/** A seeded pseudo-random generator (mulberry32): the same seed gives the same faults and jitter. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
