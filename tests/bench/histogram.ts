/**
 * A small HDR-style latency histogram: log-linear buckets (each power of two
 * split into 64 linear sub-buckets, so any value is kept within 1/64 ≈ 1.6 %),
 * values in microseconds from 1 µs to ~70 minutes. Fixed memory whatever the count;
 * histograms from several processes merge by adding buckets.
 */
const LINEAR = 128; // 0..127 µs exactly
const HALF = 64; // then 64 sub-buckets per power of two: within 1/64 of the value
const MAGNITUDES = 26; // up to 2^32 µs
const SIZE = LINEAR + MAGNITUDES * HALF;

export class Histogram {
  readonly counts = new Float64Array(SIZE);
  count = 0;
  max = 0;
  private sum = 0;

  /** Records one value in microseconds (negative values count as 0). */
  record(us: number): void {
    const v = Math.max(us, 0);
    this.counts[bucketOf(v)]!++;
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  /** The value at percentile `p` (0–100), as the upper edge of its bucket. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(upperEdge(i), this.max);
    }
    return this.max;
  }

  mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  merge(other: Histogram): this {
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sum += other.sum;
    this.max = Math.max(this.max, other.max);
    return this;
  }

  /** A compact form to pass between processes: only the non-empty buckets. */
  toJSON(): SerializedHistogram {
    const buckets: [number, number][] = [];
    for (const [i, c] of this.counts.entries()) if (c > 0) buckets.push([i, c]);
    return { count: this.count, sum: this.sum, max: this.max, buckets };
  }

  static from(s: SerializedHistogram): Histogram {
    const h = new Histogram();
    for (const [i, c] of s.buckets) h.counts[i] = c;
    h.count = s.count;
    h.sum = s.sum;
    h.max = s.max;
    return h;
  }

  /** p50/p99/p99.9/max in milliseconds, for reports. */
  summary(): LatencySummary {
    const ms = (us: number) => Math.round(us) / 1000;
    return {
      count: this.count,
      p50: ms(this.percentile(50)),
      p99: ms(this.percentile(99)),
      p999: ms(this.percentile(99.9)),
      max: ms(this.max),
      mean: ms(this.mean()),
    };
  }
}

export interface SerializedHistogram {
  count: number;
  sum: number;
  max: number;
  buckets: [number, number][];
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

function bucketOf(v: number): number {
  const x = Math.min(Math.floor(v), 2 ** 32 - 1);
  if (x < LINEAR) return x;
  const m = 31 - Math.clz32(x) - 6; // x >> m is in [64, 128)
  return LINEAR + (m - 1) * HALF + ((x >>> m) - HALF);
}

function upperEdge(i: number): number {
  if (i < LINEAR) return i + 1;
  const m = Math.floor((i - LINEAR) / HALF) + 1;
  const s = ((i - LINEAR) % HALF) + HALF;
  return (s + 1) * 2 ** m;
}
