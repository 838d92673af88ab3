import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";

/** Where definitions that passed validation are remembered (by content and validator version). */
const VALIDATED_CACHE_DIR = path.join(os.tmpdir(), "orders-local-runtime", "validated-definitions");

/**
 * Validates state machine definitions with the asl-validator that aws-local-stepfunctions itself uses
 * (the checks it would run when constructing each machine), in a worker thread: the schema compilation
 * takes about a second of CPU, which then overlaps with the functions' cold starts instead of
 * delaying them. A definition that passed once (same text, same validator version) is not validated
 * again: the start-up of an unchanged stack skips it. Resolves with one message per invalid definition
 * (empty when all are valid).
 */
export async function validateDefinitions(
  all: readonly { readonly name: string; readonly definition: unknown }[],
  cacheDir: string = VALIDATED_CACHE_DIR,
): Promise<string[]> {
  const library = path.dirname(require.resolve("aws-local-stepfunctions"));
  const validator = require.resolve("asl-validator", { paths: [library] });
  const version = (
    JSON.parse(fs.readFileSync(path.join(path.dirname(validator), "..", "..", "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  const keyOf = (definition: unknown) =>
    createHash("sha256")
      .update(`asl-validator ${version}\n${JSON.stringify(definition)}`)
      .digest("hex");
  const definitions = all.filter((d) => !fs.existsSync(path.join(cacheDir, keyOf(d.definition))));
  if (definitions.length === 0) return [];
  const problems = await runValidator(validator, definitions);
  for (const d of definitions) {
    if (problems.some((p) => p.startsWith(`${d.name}: `))) continue;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      fs.writeFileSync(path.join(cacheDir, keyOf(d.definition)), `${d.name}\n`);
    } catch {
      // A cache that cannot be written only costs the next start-up a validation.
    }
  }
  return problems;
}

function runValidator(
  validator: string,
  definitions: readonly { readonly name: string; readonly definition: unknown }[],
): Promise<string[]> {
  const source = `
    const { parentPort, workerData } = require("node:worker_threads");
    const validate = require(workerData.validator);
    const problems = [];
    for (const { name, definition } of workerData.definitions) {
      const { isValid, errorsText } = validate(definition, { checkArn: true, checkPaths: true });
      if (!isValid) problems.push(name + ": " + errorsText("; "));
    }
    parentPort.postMessage(problems);
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { validator, definitions } });
    worker.once("message", (problems: string[]) => {
      resolve(problems);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}
