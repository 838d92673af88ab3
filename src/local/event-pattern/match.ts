import type { CompiledPattern, FieldRule } from "./compile";
import type { Leaf } from "./operators";

/**
 * Which element of which array of the event a leaf sits in (array id -> index), for the arrays whose
 * elements are objects or arrays. Two leaves in different elements of one array never match together.
 */
type Membership = ReadonlyMap<number, number>;

interface LeafValue {
  readonly value: Leaf;
  readonly membership: Membership;
}

/** An event as event-ruler sees it: leaf values by dotted path (objects and arrays are not fields). */
type FlatEvent = ReadonlyMap<string, readonly LeafValue[]>;

const NO_MEMBERSHIP: Membership = new Map();
// A published event is not changed afterwards, and the bus tests one event against every rule of its bus.
const flattened = new WeakMap<object, FlatEvent>();

function flatten(event: unknown): FlatEvent {
  if (typeof event !== "object" || event === null || Array.isArray(event)) return new Map();
  const cached = flattened.get(event);
  if (cached) return cached;
  const fields = new Map<string, LeafValue[]>();
  let arrays = 0;
  const add = (name: string, value: Leaf, membership: Membership) => {
    const list = fields.get(name);
    if (list) list.push({ value, membership });
    else fields.set(name, [{ value, membership }]);
  };
  const visit = (name: string, value: unknown, membership: Membership): void => {
    if (Array.isArray(value)) {
      const id = arrays++;
      value.forEach((element, index) => {
        const nested = typeof element === "object" && element !== null;
        visit(name, element, nested ? new Map(membership).set(id, index) : membership);
      });
    } else if (typeof value === "object" && value !== null) {
      for (const [key, child] of Object.entries(value)) visit(name ? `${name}.${key}` : key, child, membership);
    } else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean" || value === null) {
      add(name, value, membership);
    }
  };
  visit("", event, NO_MEMBERSHIP);
  flattened.set(event, fields);
  return fields;
}

/** `constraints` plus `membership`, or undefined when they place one array at two elements. */
function merge(constraints: Membership, membership: Membership): Membership | undefined {
  if (membership.size === 0) return constraints;
  if (constraints.size === 0) return membership;
  let merged: Map<number, number> | undefined;
  for (const [array, index] of membership) {
    const held = constraints.get(array);
    if (held === undefined) (merged ??= new Map(constraints)).set(array, index);
    else if (held !== index) return undefined;
  }
  return merged ?? constraints;
}

/**
 * Whether `event` matches `compiled`, as event-ruler's rulesForJSONEvent decides: every field of a
 * branch has a leaf that passes one of its conditions, all these leaves array-consistent; a field that
 * accepts absence also passes when no leaf of that path is consistent with the leaves chosen before it
 * (fields are taken in name order, as event-ruler walks them).
 */
export function matches(compiled: CompiledPattern, event: unknown): boolean {
  const fields = flatten(event);
  return compiled.branches.some((branch) => matchFrom(branch, 0, fields, NO_MEMBERSHIP));
}

function matchFrom(branch: readonly FieldRule[], i: number, fields: FlatEvent, constraints: Membership): boolean {
  if (i === branch.length) return true;
  const rule = branch[i]!;
  const leaves = fields.get(rule.name) ?? [];
  if (rule.acceptsAbsence && !leaves.some((leaf) => merge(constraints, leaf.membership) !== undefined)) {
    if (matchFrom(branch, i + 1, fields, constraints)) return true;
  }
  for (const leaf of leaves) {
    const merged = merge(constraints, leaf.membership);
    if (merged === undefined || !rule.tests.some((test) => test(leaf.value))) continue;
    if (matchFrom(branch, i + 1, fields, merged)) return true;
  }
  return false;
}
