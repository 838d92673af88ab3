import { formatCents, fromCents, toCents } from "../../../handlers/shared/money";

describe("money", () => {
  test.each<[number, number | undefined]>([
    [29.99, 2999],
    [0.01, 1],
    [0.1, 10],
    [1, 100],
    [1000000, 100000000],
    [999999.99, 99999999],
    [-5.5, -550],
    [0.1 + 0.2, undefined],
    [29.999, undefined],
    [1e-7, undefined],
    [Number.NaN, undefined],
    [Number.POSITIVE_INFINITY, undefined],
  ])("toCents(%p) = %p", (amount, cents) => {
    expect(toCents(amount)).toBe(cents);
  });

  test("cents round-trip to the same decimal number", () => {
    for (const cents of [1, 10, 99, 2999, 8997, 123456, 99999999]) expect(toCents(fromCents(cents))).toBe(cents);
  });

  test.each<[number, string]>([
    [8997, "89.97"],
    [5, "0.05"],
    [100, "1.00"],
    [-250, "-2.50"],
  ])("formatCents(%p) = %p", (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });
});
