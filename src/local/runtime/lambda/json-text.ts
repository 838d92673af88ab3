/**
 * JSON text of a payload, as the Invoke API carries it. `JSON.stringify` recurses and throws a
 * RangeError on input nested a few thousand levels deep, which Lambda itself accepts (a payload is
 * text of up to 6 MB); such payloads are written without recursion, so the function gets them and
 * its own validation answers.
 */
export function toJsonText(value: unknown): string {
  try {
    return JSON.stringify(value === undefined ? null : value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return deepJsonText(value);
  }
}

type Frame = { readonly close: string; readonly parts: readonly [string, unknown][]; next: number };

/** JSON.stringify's output for plain JSON values (no toJSON, no cycles), with an explicit stack. */
function deepJsonText(root: unknown): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const scalar = (v: unknown) =>
    typeof v === "number" && !Number.isFinite(v) ? "null" : (JSON.stringify(v) ?? "null");
  const open = (v: unknown): void => {
    if (v === null || typeof v !== "object") {
      out.push(scalar(v));
      return;
    }
    if (Array.isArray(v)) {
      out.push("[");
      stack.push({
        close: "]",
        parts: v.map((item) => ["", typeof item === "function" || item === undefined ? null : item]),
        next: 0,
      });
      return;
    }
    out.push("{");
    const entries = Object.entries(v).filter(([, item]) => item !== undefined && typeof item !== "function");
    stack.push({ close: "}", parts: entries.map(([k, item]) => [`${JSON.stringify(k)}:`, item]), next: 0 });
  };
  open(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.next >= frame.parts.length) {
      out.push(frame.close);
      stack.pop();
      continue;
    }
    const [prefix, item] = frame.parts[frame.next] as [string, unknown];
    out.push(`${frame.next > 0 ? "," : ""}${prefix}`);
    frame.next++;
    open(item);
  }
  return out.join("");
}
