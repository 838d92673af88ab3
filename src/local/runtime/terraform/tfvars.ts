/**
 * Variable definition files as terraform reads them
 * (https://developer.hashicorp.com/terraform/language/values/variables#variable-definitions-tfvars-files):
 * native syntax (`.tfvars`, parsed by ./expression.ts) or JSON (`.tfvars.json`, whose strings are
 * literal text, not templates), and the files terraform loads by itself from its working directory.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UserInputError } from "../../../user-input-error";
import { parseTfvars } from "./expression";
import { Value } from "./values";

/** A variable definition file that cannot be read; the message names the file and the place. */
class TfvarsError extends UserInputError {
  override readonly name = "VariableError";
}

/** Reads a tfvars file: JSON when its name ends in `.json`, native syntax otherwise. */
export function readVarFile(file: string): Record<string, Value> {
  if (!fs.existsSync(file)) throw new TfvarsError(`${file}: no such file`);
  const text = fs.readFileSync(file, "utf8");
  try {
    return file.endsWith(".json") ? parseTfvarsJson(text) : parseTfvars(text);
  } catch (error) {
    throw new TfvarsError(`${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * A `.tfvars.json` body: one JSON object. A byte order mark, another root value, and a key given
 * twice in any object are refused, as terraform 1.11.4 refuses them (checked with
 * `terraform plan -var-file=t.tfvars.json`: "Invalid start of value", "Root value must be object",
 * "Duplicate attribute definition", "Duplicate object attribute").
 */
function parseTfvarsJson(text: string): Record<string, Value> {
  if (text.startsWith("\uFEFF")) throw new Error("a JSON value must start with a brace, not a byte order mark");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new Error("the root value must be a JSON object");
  const duplicate = duplicateKey(text);
  if (duplicate) throw new Error(`"${duplicate}" is set twice in one object; each may be set only once`);
  return parsed as Record<string, Value>;
}

/** The first key that appears twice in one JSON object of a valid JSON text. */
function duplicateKey(text: string): string | undefined {
  const objects: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const top = objects[objects.length - 1];
      if (expectKey && top) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.has(key)) return key;
        top.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === "{") {
      objects.push(new Set());
      expectKey = true;
    } else if (c === "[") objects.push(undefined);
    else if (c === "}" || c === "]") objects.pop();
    else if (c === ",") expectKey = objects[objects.length - 1] !== undefined;
  }
  return undefined;
}

/**
 * The files terraform loads without being told, in the order it applies them: `terraform.tfvars`,
 * `terraform.tfvars.json`, then every `*.auto.tfvars` and `*.auto.tfvars.json` in lexical order of
 * their names (checked with terraform 1.11.4: `B.auto.tfvars` is applied before `a.auto.tfvars.json`).
 */
export function autoLoadedVarFiles(directory: string): string[] {
  if (!fs.existsSync(directory)) return [];
  const names = fs.readdirSync(directory);
  const auto = names.filter((n) => /\.auto\.tfvars(\.json)?$/.test(n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...["terraform.tfvars", "terraform.tfvars.json"].filter((n) => names.includes(n)), ...auto]
    .map((n) => path.join(directory, n))
    .filter((f) => fs.statSync(f).isFile());
}
