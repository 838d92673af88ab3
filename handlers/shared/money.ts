/**
 * Currency amounts arrive as decimal numbers (29.99) and are computed in integer cents.
 * A number is accepted only if its shortest decimal form has at most two fractional
 * digits, so 29.99 is 2999 cents and 0.1 + 0.2 (0.30000000000000004) is refused.
 */

/** Converts a decimal amount to cents, or returns undefined when it has more than 2 decimals. */
export function toCents(amount: number): number | undefined {
  if (!Number.isFinite(amount)) return undefined;
  const text = String(amount);
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = ""] = match;
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  return sign === "-" ? -cents : cents;
}

/** Formats cents as a decimal number (2999 -> 29.99); exact for amounts up to MAX_AMOUNT_CENTS (src/contracts/fields.ts). */
export function fromCents(cents: number): number {
  return cents / 100;
}

/** Formats cents for people: 2999 -> "29.99". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
