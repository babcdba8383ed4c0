// Small statistics helpers. Every figure in the bench is a median; ratios are medians of paired ratios.

/** @param {number[]} xs @param {number} q 0..1 (nearest rank on the sorted values, interpolated) */
export function quantile(xs, q) {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

export const median = (/** @type {number[]} */ xs) => quantile(xs, 0.5);

/**
 * Pairs baseline and candidate samples taken in the same round, and summarises both and their ratio.
 * @param {number[]} base
 * @param {number[]} ours
 */
export function paired(base, ours) {
  const ratios = base.map((b, i) => ours[i] / b).filter((r) => Number.isFinite(r));
  return {
    base: median(base),
    ours: median(ours),
    ratio: median(ratios),
    ratioMin: ratios.length ? Math.min(...ratios) : NaN,
    ratioMax: ratios.length ? Math.max(...ratios) : NaN,
    n: ratios.length,
  };
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Rejects after `ms` unless `p` settles first; the timer never outlives the race.
 * @template T @param {Promise<T>} p @param {number} ms @param {string} what
 * @returns {Promise<T>}
 */
export function withTimeout(p, ms, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const t = new Promise((_r, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([p, t]).finally(() => clearTimeout(timer)));
}
