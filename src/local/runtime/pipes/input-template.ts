/**
 * EventBridge Pipes input transformation: an InputTemplate whose `<$.path>` placeholders take values
 * from the event and whose `<aws.pipes.*>` placeholders are the pipe's reserved variables
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html). A
 * placeholder inside quotes takes a string value as its text; one outside quotes takes any value as
 * JSON. Paths: dot notation and array indices; wildcards are refused.
 */

/** A template the runtime cannot render; the message names the placeholder. */
export class InputTemplateError extends Error {
  override readonly name = "InputTemplateError";
}

export type ReservedVariables = Readonly<Record<string, string>>;

const PLACEHOLDER = /<(\$(?:\.[A-Za-z0-9_\-/]+|\[\d+\])*|aws\.pipes\.[a-z.-]+)>/g;

/** Checks every placeholder of a template once (at start-up); throws InputTemplateError. */
export function checkInputTemplate(template: string): void {
  for (const m of template.matchAll(/<([^<>]*)>/g)) {
    const inner = m[1] as string;
    if (inner.includes("*"))
      throw new InputTemplateError(`input template placeholder <${inner}>: wildcards are not emulated locally`);
    if (!new RegExp(`^${PLACEHOLDER.source}$`).test(m[0]))
      throw new InputTemplateError(
        `input template placeholder <${inner}> is not a JSON path ($.a.b[0]) or a reserved aws.pipes variable`,
      );
  }
}

function valueAt(event: unknown, path: string): unknown {
  let node: unknown = event;
  for (const step of path.slice(1).match(/\.[^.[]+|\[\d+\]/g) ?? []) {
    if (node === null || typeof node !== "object") return undefined;
    node = step.startsWith("[")
      ? (node as unknown[])[Number(step.slice(1, -1))]
      : (node as Record<string, unknown>)[step.slice(1)];
  }
  return node;
}

/** Renders the template for one event: the text Pipes hands to the target. */
export function renderInputTemplate(template: string, event: unknown, reserved: ReservedVariables): string {
  let out = "";
  let last = 0;
  let inString = false;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const literal = template.slice(last, m.index);
    // Whether the placeholder stands inside a JSON string: count the unescaped quotes before it.
    for (let i = 0; i < literal.length; i++) {
      if (literal[i] === "\\") i++;
      else if (literal[i] === '"') inString = !inString;
    }
    out += literal;
    const name = m[1] as string;
    const value = name.startsWith("$") ? valueAt(event, name) : reserved[name];
    if (inString)
      out +=
        typeof value === "string"
          ? JSON.stringify(value).slice(1, -1)
          : value === undefined
            ? ""
            : JSON.stringify(JSON.stringify(value)).slice(1, -1);
    else out += value === undefined ? "null" : JSON.stringify(value);
    last = (m.index as number) + m[0].length;
  }
  return out + template.slice(last);
}
