/** DynamoDB's sizing and request-unit rules, as it bills an on-demand table. */
export interface RequestUnitRules {
  /** Bytes of an item (DynamoDB JSON), as DynamoDB sizes it. */
  itemSize(item: Readonly<Record<string, unknown>> | undefined): number;
  /** Read request units of reading items of these sizes one by one (GetItem, each key of BatchGetItem). */
  readUnits(itemBytes: number | undefined, read: { consistent: boolean; transactional?: boolean }): number;
  /** Write request units of writing an item of this size (PutItem, UpdateItem, DeleteItem, each of BatchWriteItem). */
  writeUnits(itemBytes: number, write?: { transactional?: boolean }): number;
}

/**
 * The rules, self-contained: dynalite's worker thread runs this function's source (`toString()`),
 * where the items of each request are known, so it must refer to nothing outside itself.
 *
 * Item size ("DynamoDB item sizes and formats",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * attribute names and strings in UTF-8 bytes; a number is 1 byte per two significant digits plus 1;
 * binary its raw bytes; null and Boolean 1 byte; a List or Map 3 bytes plus 1 byte per element plus
 * its elements (a Map's element names count).
 *
 * Units ("DynamoDB read and write operations",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html): a
 * read is rounded up to 4 KB, one unit strongly consistent, half eventually consistent, two
 * transactional; a read of a missing item still costs the minimum; a write is rounded up to 1 KB,
 * one unit per KB, two transactional.
 */
export function requestUnitRules(): RequestUnitRules {
  const utf8 = (s: string) => Buffer.byteLength(s, "utf8");
  const numberSize = (n: string) => {
    const digits = n
      .replace(/^[-+]/, "")
      .replace(/[eE].*$/, "")
      .replace(".", "")
      .replace(/^0+/, "")
      .replace(/0+$/, "");
    return Math.ceil(Math.max(1, digits.length) / 2) + 1;
  };
  const valueSize = (value: unknown): number => {
    const v = (value ?? {}) as Record<string, unknown>;
    if (typeof v.S === "string") return utf8(v.S);
    if (typeof v.N === "string") return numberSize(v.N);
    if (typeof v.B === "string") return Buffer.from(v.B, "base64").length;
    if ("BOOL" in v || "NULL" in v) return 1;
    if (Array.isArray(v.SS)) return v.SS.reduce((sum: number, s: string) => sum + utf8(s), 0);
    if (Array.isArray(v.NS)) return v.NS.reduce((sum: number, s: string) => sum + numberSize(s), 0);
    if (Array.isArray(v.BS)) return v.BS.reduce((sum: number, s: string) => sum + Buffer.from(s, "base64").length, 0);
    if (Array.isArray(v.L)) return 3 + v.L.reduce((sum: number, e: unknown) => sum + 1 + valueSize(e), 0);
    if (v.M && typeof v.M === "object") {
      const entries = Object.entries(v.M as Record<string, unknown>);
      return 3 + entries.reduce((sum, [k, e]) => sum + 1 + utf8(k) + valueSize(e), 0);
    }
    return 0;
  };
  const itemSize = (item: Readonly<Record<string, unknown>> | undefined) =>
    item ? Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0) : 0;
  const readUnits = (itemBytes: number | undefined, read: { consistent: boolean; transactional?: boolean }) => {
    const blocks = Math.max(1, Math.ceil((itemBytes ?? 0) / 4096));
    return read.transactional ? blocks * 2 : read.consistent ? blocks : blocks / 2;
  };
  const writeUnits = (itemBytes: number, write: { transactional?: boolean } = {}) => {
    const blocks = Math.max(1, Math.ceil(itemBytes / 1024));
    return write.transactional ? blocks * 2 : blocks;
  };
  return { itemSize, readUnits, writeUnits };
}
