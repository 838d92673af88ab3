// Paired measurements: a figure and its baseline run one after the other (A, B, A, B, ...), so that what
// the machine does meanwhile lands on both; the ratio is taken run by run and reported as the median of
// those ratios with their spread, never as a ratio of two medians taken minutes apart.
"use strict";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Summary of paired samples `[{ subject, baseline }]`: medians of each and of the ratios, with min and max ratio. */
function pairedSummary(pairs) {
  if (pairs.length === 0) throw new Error("pairedSummary: no pairs");
  const ratios = pairs.map((p) => p.subject / p.baseline);
  return {
    subject: median(pairs.map((p) => p.subject)),
    baseline: median(pairs.map((p) => p.baseline)),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    runs: pairs.length,
  };
}

/** Runs `measureSubject` and `measureBaseline` alternately `runs` times (baseline first) and summarizes the pairs. */
async function interleaved(runs, measureBaseline, measureSubject) {
  const pairs = [];
  for (let i = 0; i < runs; i++) {
    const baseline = await measureBaseline(i);
    const subject = await measureSubject(i);
    pairs.push({ baseline, subject });
  }
  return { ...pairedSummary(pairs), pairs };
}

/** "2.41x (2.30-2.55x over 5 pairs)" */
function formatRatio(summary) {
  return `${summary.ratio.toFixed(2)}x (${summary.ratioMin.toFixed(2)}-${summary.ratioMax.toFixed(2)}x over ${summary.runs} pairs)`;
}

module.exports = { median, pairedSummary, interleaved, formatRatio };
