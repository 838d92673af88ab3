import { EventPatternError } from "./error";
import { Condition, Leaf, condition } from "./operators";

/** What one field of the event (its dotted path) must satisfy. */
export interface FieldRule {
  /** The path with its steps joined by dots, as event-ruler flattens events and patterns. */
  readonly name: string;
  readonly tests: readonly ((value: Leaf) => boolean)[];
  /** The list holds `{ "exists": false }`: the field may be missing. */
  readonly acceptsAbsence: boolean;
}

/** A pattern compiled once: the branches its `$or`s expand to; an event matches if any branch does. */
export class CompiledPattern {
  /** Each branch's fields, sorted by name: event-ruler tests them in that order. */
  readonly branches: readonly (readonly FieldRule[])[];

  constructor(branches: readonly ReadonlyMap<string, FieldRule>[]) {
    this.branches = branches.map((b) =>
      [...b.values()].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)),
    );
  }
}

/** EventBridge refuses a pattern whose `$or`s make more combinations than this. */
const MAX_OR_COMBINATIONS = 1000;

// Field names event-ruler refuses inside "$or" (its Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP).
const RESERVED_IN_OR: ReadonlySet<string> = new Set([
  "exactly",
  "equals-ignore-case",
  "prefix",
  "suffix",
  "anything-but",
  "exists",
  "wildcard",
  "numeric",
  "cidr",
  "=",
  "<",
  "<=",
  ">",
  ">=",
  "regex",
  "not-wildcard",
  "not-equals-ignore-case",
  "date-after",
  "date-on-or-after",
  "date-before",
  "date-on-or-before",
  "in-date-range",
  "ip-address-in-range",
  "ip-address-not-in-range",
]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A "$or" that event-ruler does not read as "or"; it then reads "$or" as a plain field name. */
class NotAnOr extends EventPatternError {}

type Branch = Map<string, FieldRule>;

/**
 * Compiles a pattern (its JSON text, or the parsed object) as aws/event-ruler's JsonRuleCompiler does,
 * refusing what it refuses with its reason. Throws EventPatternError.
 */
export function compileEventPattern(pattern: unknown): CompiledPattern {
  let source = pattern;
  if (typeof pattern === "string") {
    try {
      source = JSON.parse(pattern);
    } catch (error) {
      throw new EventPatternError((error as Error).message);
    }
  }
  if (!isObject(source)) throw new EventPatternError("Filter is not an object");
  try {
    return new CompiledPattern(branchesOf(source, true));
  } catch (error) {
    if (!(error instanceof NotAnOr)) throw error;
    // event-ruler's README: such a "$or" keeps working as a normal field name (backward compatibility).
    try {
      return new CompiledPattern(branchesOf(source, false));
    } catch {
      throw new EventPatternError(error.reason, error.path);
    }
  }
}

function branchesOf(source: Record<string, unknown>, orIsOperator: boolean): Branch[] {
  const branches: Branch[] = [new Map()];
  readObject(source, [], branches, { orIsOperator, insideOr: false });
  return branches;
}

interface Context {
  readonly orIsOperator: boolean;
  readonly insideOr: boolean;
}

/** Reads an object of the pattern into every branch; `branches` is replaced in place by "$or". */
function readObject(
  object: Record<string, unknown>,
  path: readonly string[],
  branches: Branch[],
  context: Context,
): void {
  const keys = Object.keys(object);
  const where = path.join(".");
  if (keys.length === 0) throw new EventPatternError("Empty objects are not allowed", where);
  for (const key of keys) {
    const value = object[key];
    if (context.orIsOperator && key === "$or") {
      readOr(value, path, branches, context);
      continue;
    }
    const fieldPath = [...path, key];
    if (context.insideOr && RESERVED_IN_OR.has(key)) {
      throw new NotAnOr(`${key} is Ruler reserved fieldName which cannot be used inside $or.`, fieldPath.join("."));
    }
    if (isObject(value)) readObject(value, fieldPath, branches, context);
    else if (Array.isArray(value)) writeField(fieldPath.join("."), value, branches);
    else throw new EventPatternError(`"${key}" must be an object or an array`, fieldPath.join("."));
  }
}

/** "$or": each alternative forks every branch so far; the path does not include "$or". */
function readOr(value: unknown, path: readonly string[], branches: Branch[], context: Context): void {
  const where = [...path, "$or"].join(".");
  if (!Array.isArray(value)) throw new NotAnOr("It must be an Array followed with $or.", where);
  const before = branches.map((b) => new Map(b));
  const after: Branch[] = [];
  for (const alternative of value) {
    if (!isObject(alternative)) throw new NotAnOr("Only JSON object is allowed in array of $or relationship.", where);
    const forked = before.map((b) => new Map(b));
    readObject(alternative, path, forked, { ...context, insideOr: true });
    after.push(...forked);
    if (after.length > MAX_OR_COMBINATIONS) {
      // The user guide documents the limit; this reason is the local runtime's wording.
      throw new EventPatternError(`the use of $or results in over ${MAX_OR_COMBINATIONS} rule combinations`, where);
    }
  }
  if (value.length < 2) throw new NotAnOr("There must have at least 2 Objects in $or relationship.", where);
  branches.splice(0, branches.length, ...after);
}

/** A field's list of conditions, written to every branch (a later key of the same path replaces it). */
function writeField(name: string, entries: readonly unknown[], branches: Branch[]): void {
  const conditions: Condition[] = entries.map((entry) => condition(entry, name));
  if (conditions.length === 0) throw new EventPatternError("Empty arrays are not allowed", name);
  const rule: FieldRule = {
    name,
    tests: conditions.flatMap((c) => ("test" in c ? [c.test] : [])),
    acceptsAbsence: conditions.some((c) => "absent" in c),
  };
  for (const branch of branches) branch.set(name, rule);
}
