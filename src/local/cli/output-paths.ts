import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "./options";

/**
 * Checks, before anything runs, that `file` can be written as the output of `option`: not a directory,
 * under a directory that exists or can be made, writable. Throws UsageError naming the option.
 */
export function checkOutputFile(option: string, file: string): void {
  const target = path.resolve(file);
  const stat = statOf(target);
  if (stat?.isDirectory()) throw new UsageError(`${option} ${file}: is a directory; give a file name`);
  if (stat) {
    if (!writable(target)) throw new UsageError(`${option} ${file}: the file is not writable`);
    return;
  }
  // The nearest existing ancestor must be a directory we may create entries in.
  let ancestor = path.dirname(target);
  while (!statOf(ancestor)) ancestor = path.dirname(ancestor);
  if (!statOf(ancestor)?.isDirectory())
    throw new UsageError(
      `${option} ${file}: ${path.relative(process.cwd(), ancestor) || ancestor} is a file, not a directory`,
    );
  if (!writable(ancestor)) throw new UsageError(`${option} ${file}: cannot write in ${ancestor}`);
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function writable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
