/** The JSON files `npm run local` reads besides orders: a catalogue (`--catalogue`) and raw events (`--event`). */
import * as fs from "node:fs";
import { parseCatalogue, type CatalogueProduct } from "../../../handlers/inventory/catalogue";
import { UserInputError } from "../../user-input-error";
import { EventFileError, parseEventEntries } from "../orders/raw-events";
import type { PutEventsRequestEntry } from "../runtime/eventbridge/put-events";

/** A `--catalogue` file that cannot be used; the message names the file and the field. */
class CatalogueFileError extends UserInputError {
  override readonly name = "CatalogueFileError";
}

function readJson(
  option: string,
  file: string,
  errorOf: (message: string, options?: ErrorOptions) => UserInputError,
): unknown {
  if (!fs.existsSync(file)) throw errorOf(`${option} ${file}: no such file`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw errorOf(`${option} ${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/** The products of a `--catalogue` file; a bad file is a CatalogueFileError naming the file and the field. */
export function readCatalogueFile(file: string): CatalogueProduct[] {
  const json = readJson("--catalogue", file, (m, o) => new CatalogueFileError(m, o));
  try {
    return parseCatalogue(json);
  } catch (error) {
    throw new CatalogueFileError(`--catalogue ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** The entries of an `--event` file; a bad file is an EventFileError naming the file and the field. */
export function readEventFile(file: string): { file: string; entry: PutEventsRequestEntry }[] {
  const json = readJson("--event", file, (m, o) => new EventFileError(m, o));
  try {
    return parseEventEntries(json).map((entry) => ({ file, entry }));
  } catch (error) {
    throw new EventFileError(`--event ${file}: ${(error as Error).message}`, { cause: error });
  }
}
