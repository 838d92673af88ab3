/**
 * A variable's `type` constraint and the conversion Terraform applies to a value given for it
 * (https://developer.hashicorp.com/terraform/language/expressions/type-constraints#conversion-of-primitive-types):
 * primitives convert to each other where the text allows, collections element by element. Object
 * and tuple constraints are refused by name: the stacks declare none.
 */
import { ExpressionError, Value, formatNumber, isUnknown, parseNumberString, typeName } from "./values";

export type TypeConstraint =
  | { readonly kind: "string" | "number" | "bool" | "any" }
  | { readonly kind: "list" | "set" | "map"; readonly element: TypeConstraint };

/** Reads a constraint as synthesized (`number`, `list(string)`, `${map(number)}`). */
export function parseTypeConstraint(text: string | undefined): TypeConstraint {
  const source = (text ?? "any").replace(/^\$\{([^]*)\}$/, "$1").replace(/\s+/g, "");
  const read = (s: string): TypeConstraint => {
    if (s === "string" || s === "number" || s === "bool" || s === "any") return { kind: s };
    const m = /^(list|set|map)\((.*)\)$/.exec(s);
    if (m) return { kind: m[1] as "list", element: read(m[2] as string) };
    throw new ExpressionError(
      `type ${text} is not supported by the local runtime (it knows string, number, bool, any, list(...), set(...), map(...))`,
    );
  };
  return read(source);
}

export function isPrimitiveOrAny(type: TypeConstraint): boolean {
  return type.kind === "string" || type.kind === "number" || type.kind === "bool" || type.kind === "any";
}

function describeType(type: TypeConstraint): string {
  return "element" in type ? `${type.kind} of ${describeType(type.element)}` : type.kind;
}

/** `value` converted to `type`, or an ExpressionError saying what is required ("a number is required"). */
export function convertToType(value: Value, type: TypeConstraint): Value {
  if (value === null || isUnknown(value)) return value;
  switch (type.kind) {
    case "any":
      return value;
    case "string":
      if (typeof value === "string") return value;
      if (typeof value === "number") return formatNumber(value);
      if (typeof value === "boolean") return String(value);
      break;
    case "number": {
      if (typeof value === "number") return value;
      const n = typeof value === "string" ? parseNumberString(value) : undefined;
      if (n !== undefined) return n;
      break;
    }
    case "bool":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "1") return true;
      if (value === "false" || value === "0") return false;
      if (typeof value === "string" && ["true", "false"].includes(value.toLowerCase())) {
        throw new ExpressionError(`a bool is required; to convert from string, use lowercase "${value.toLowerCase()}"`);
      }
      break;
    case "list":
    case "set":
      if (Array.isArray(value)) {
        const items = value.map((v) => convertToType(v, type.element));
        return type.kind === "list" ? items : uniqueSorted(items);
      }
      break;
    case "map":
      if (typeof value === "object" && !Array.isArray(value)) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertToType(v, type.element)]));
      }
      break;
  }
  const article = type.kind === "string" || type.kind === "number" || type.kind === "bool" ? "a " : "";
  throw new ExpressionError(`${article}${describeType(type)} is required, got ${typeName(value)}`);
}

/** A set's elements: no duplicates, in cty's order for primitives (strings lexically, numbers ascending). */
function uniqueSorted(items: Value[]): Value[] {
  const unique = [...new Map(items.map((v) => [JSON.stringify(v), v])).values()];
  if (unique.every((v) => typeof v === "string")) return (unique as string[]).sort();
  if (unique.every((v) => typeof v === "number")) return (unique as number[]).sort((a, b) => a - b);
  return unique;
}
