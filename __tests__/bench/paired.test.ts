// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pairedSummary, interleaved, formatRatio } = require("../../bench/paired.js") as {
  pairedSummary(pairs: { subject: number; baseline: number }[]): {
    subject: number;
    baseline: number;
    ratio: number;
    ratioMin: number;
    ratioMax: number;
    runs: number;
  };
  interleaved(
    runs: number,
    base: (i: number) => Promise<number>,
    subject: (i: number) => Promise<number>,
  ): Promise<{ ratio: number; pairs: { subject: number; baseline: number }[] }>;
  formatRatio(summary: { ratio: number; ratioMin: number; ratioMax: number; runs: number }): string;
};

describe("bench/paired.js", () => {
  test("the ratio is the median of the run-by-run ratios, not the ratio of the medians", () => {
    // The machine slows down between pairs: each pair's ratio is 2, the medians' ratio is not.
    const pairs = [
      { baseline: 100, subject: 200 },
      { baseline: 300, subject: 600 },
      { baseline: 110, subject: 330 },
    ];
    const summary = pairedSummary(pairs);
    expect(summary.ratio).toBe(2);
    expect(summary.subject / summary.baseline).not.toBe(2);
    expect(summary).toMatchObject({ ratioMin: 2, ratioMax: 3, runs: 3, subject: 330, baseline: 110 });
    expect(formatRatio(summary)).toBe("2.00x (2.00-3.00x over 3 pairs)");
  });

  test("runs baseline and subject alternately, baseline first", async () => {
    const order: string[] = [];
    const result = await interleaved(
      3,
      async (i) => (order.push(`B${i}`), 10),
      async (i) => (order.push(`A${i}`), 25),
    );
    expect(order).toEqual(["B0", "A0", "B1", "A1", "B2", "A2"]);
    expect(result.ratio).toBe(2.5);
    expect(result.pairs).toHaveLength(3);
  });

  test("no pairs is an error, not NaN", () => {
    expect(() => pairedSummary([])).toThrow("no pairs");
  });
});
