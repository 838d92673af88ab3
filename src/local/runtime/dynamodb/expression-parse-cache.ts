/**
 * Remembers what dynalite's expression parsers (condition, update, projection: PEG parsers, the larger
 * part of its time per request) made of an expression, so a request shaped like an earlier one is not
 * parsed again. A parse depends on the expression, the attribute names, the context's key-condition
 * flag and, in principle, on the attribute values; the values are placed into the parse result by
 * reference. So the result is kept as a template with a placeholder where each value went, keyed by
 * everything but the values' contents (their names and top-level types are in the key), and a hit
 * fills in the request's own values. The two places dynalite's parsers read a value's contents,
 * BETWEEN (it compares the bounds, and names them in its errors) and attribute_type (it checks the type
 * name), are never cached: an expression naming either always runs the parser. As a guard against any
 * other, a shape is only kept when a second parse, with every value's contents changed and its type
 * kept, gives the same template. Errors are never kept.
 * The parser's side effect, crossing used names and values off the context's "unused" lists, is
 * replayed on a hit.
 *
 * Self-contained (no imports, no closure): dynalite's worker thread runs its source.
 */
export function withParseCache<Parse extends (text: string, options: { context: ParseContext }) => unknown>(
  parse: Parse,
  maxEntries = 2000,
): Parse {
  interface Entry {
    readonly template: unknown;
    readonly usedNames: readonly string[];
    readonly usedValues: readonly string[];
  }
  const PLACEHOLDER = Symbol("value");
  const cache = new Map<string, Entry | null>();
  type Values = Record<string, Record<string, unknown>>;

  const KEEP = Symbol("keep");
  // A deep copy (shared parts stay shared, prototypes kept) with each node `swap` answers for replaced.
  const copyWith = (root: unknown, swap: (node: object) => unknown): unknown => {
    const seen = new Map<object, unknown>();
    const walk = (node: unknown): unknown => {
      if (node === null || typeof node !== "object") return node;
      const swapped = swap(node);
      if (swapped !== KEEP) return swapped;
      const known = seen.get(node);
      if (known !== undefined) return known;
      const copy: Record<string, unknown> = Array.isArray(node)
        ? []
        : Object.create(Object.getPrototypeOf(node) as object | null);
      seen.set(node, copy);
      for (const key of Object.keys(node)) copy[key] = walk((node as Record<string, unknown>)[key]);
      return copy;
    };
    return walk(root);
  };
  // The result with each value object (by identity) replaced by a placeholder naming it.
  const toTemplate = (result: unknown, values: Values): unknown => {
    const byObject = new Map<unknown, string>();
    for (const name of Object.keys(values)) byObject.set(values[name], name);
    return copyWith(result, (node) => {
      const name = byObject.get(node);
      return name === undefined ? KEEP : { [PLACEHOLDER]: name };
    });
  };
  const fromTemplate = (template: unknown, values: Values): unknown =>
    copyWith(template, (node) => {
      const name = (node as Record<symbol, unknown>)[PLACEHOLDER];
      return typeof name === "string" ? values[name] : KEEP;
    });
  const sameTemplate = (a: unknown, b: unknown): boolean => {
    if (a === b) return true;
    if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
    const pa = (a as Record<symbol, unknown>)[PLACEHOLDER];
    const pb = (b as Record<symbol, unknown>)[PLACEHOLDER];
    if (pa !== undefined || pb !== undefined) return pa === pb;
    if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every(
        (k, i) => k === kb[i] && sameTemplate((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
      )
    );
  };
  // The same value with every scalar's contents changed and every type kept.
  const altered = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.length === 0 ? [] : value.map(altered);
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [type, inner] of Object.entries(value)) {
        if (type === "S") out.S = `${String(inner)}~`;
        else if (type === "N") out.N = String(inner) === "1" ? "2" : "1";
        else if (type === "B") out.B = String(inner) === "AQ==" ? "Ag==" : "AQ==";
        else if (type === "BOOL") out.BOOL = inner !== true;
        else if (type === "SS") out.SS = (inner as string[]).map((s) => `${s}~`);
        else if (type === "NS") out.NS = (inner as string[]).map((n, i) => String(Number(n) + 1 + i));
        else if (type === "BS") out.BS = (inner as string[]).map((b) => `${b}AA==`);
        else if (type === "L") out.L = (inner as unknown[]).map(altered);
        else if (type === "M")
          out.M = Object.fromEntries(Object.entries(inner as Record<string, unknown>).map(([k, v]) => [k, altered(v)]));
        else out[type] = inner;
      }
      return out;
    }
    return value;
  };
  // One parse with fresh "unused" lists, so the names and values this expression uses are known exactly
  // (told to `used` also when the parse throws, as the parser had crossed them off by then).
  const parseOnce = (
    self: unknown,
    text: string,
    context: ParseContext,
    values: Values | undefined,
    used: (u: { usedNames: string[]; usedValues: string[] }) => void = () => undefined,
  ) => {
    const unusedAttrNames: Record<string, boolean> = {};
    const unusedAttrVals: Record<string, boolean> = {};
    for (const name of Object.keys(context.attrNames ?? {})) unusedAttrNames[name] = true;
    for (const name of Object.keys(values ?? {})) unusedAttrVals[name] = true;
    const lists = () => ({
      usedNames: Object.keys(context.attrNames ?? {}).filter((n) => !(n in unusedAttrNames)),
      usedValues: Object.keys(values ?? {}).filter((n) => !(n in unusedAttrVals)),
    });
    try {
      const result = parse.call(self, text, {
        context: { ...context, attrVals: values, unusedAttrNames, unusedAttrVals },
      });
      return { result, ...lists() };
    } finally {
      used(lists());
    }
  };
  const crossOff = (context: ParseContext, entry: { usedNames: readonly string[]; usedValues: readonly string[] }) => {
    for (const name of entry.usedNames) if (context.unusedAttrNames) delete context.unusedAttrNames[name];
    for (const name of entry.usedValues) if (context.unusedAttrVals) delete context.unusedAttrVals[name];
  };

  const cached = function (this: unknown, text: string, options: { context: ParseContext }) {
    const context = options?.context;
    if (typeof text !== "string" || !context || typeof context !== "object" || /between|attribute_type/i.test(text))
      return parse.call(this, text, options);
    const values = (context.attrVals ?? undefined) as Values | undefined;
    const valueTypes = Object.keys(values ?? {}).map((name) => {
      const value = values?.[name];
      return `${name}:${value && typeof value === "object" ? Object.keys(value).join("|") : typeof value}`;
    });
    const key = JSON.stringify([text, context.isKeyCondition === true, context.attrNames ?? null, valueTypes]);
    const entry = cache.get(key);
    if (entry) {
      crossOff(context, entry);
      return fromTemplate(entry.template, values ?? {});
    }
    // A parse that throws (a syntax or semantic error) is answered as it was, and nothing is kept.
    const first = parseOnce(this, text, context, values, (u) => crossOff(context, u));
    if (entry === undefined) {
      let keep: Entry | null = null;
      try {
        const template = toTemplate(first.result, values ?? {});
        const probeValues: Values = {};
        for (const name of Object.keys(values ?? {})) probeValues[name] = altered(values?.[name]) as Values[string];
        const probe = parseOnce(this, text, context, probeValues);
        if (
          sameTemplate(template, toTemplate(probe.result, probeValues)) &&
          probe.usedNames.join() === first.usedNames.join() &&
          probe.usedValues.join() === first.usedValues.join()
        )
          keep = { template, usedNames: first.usedNames, usedValues: first.usedValues };
      } catch {
        keep = null;
      }
      if (cache.size >= maxEntries) cache.clear();
      cache.set(key, keep);
    }
    return first.result;
  };
  return cached as unknown as Parse;
}

/** What dynalite's validations hand its parsers (validations/index.js, validateExpressions and parse). */
export interface ParseContext {
  attrNames?: Record<string, string> | null;
  attrVals?: Record<string, unknown> | null;
  unusedAttrNames?: Record<string, boolean>;
  unusedAttrVals?: Record<string, boolean>;
  isKeyCondition?: boolean;
  [other: string]: unknown;
}
