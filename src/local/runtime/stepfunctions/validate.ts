import * as path from "node:path";
import { Worker } from "node:worker_threads";

/**
 * Validates state machine definitions with the asl-validator that aws-local-stepfunctions itself uses
 * (the checks it would run when constructing each machine), in a worker thread: the schema compilation
 * takes about half a second of CPU, which then overlaps with the functions' cold starts instead of
 * delaying them. Resolves with one message per invalid definition (empty when all are valid).
 */
export function validateDefinitions(definitions: readonly { readonly name: string; readonly definition: unknown }[]): Promise<string[]> {
  if (definitions.length === 0) return Promise.resolve([]);
  const library = path.dirname(require.resolve("aws-local-stepfunctions"));
  const validator = require.resolve("asl-validator", { paths: [library] });
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
