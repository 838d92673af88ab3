/** The JSON files `npm run local` reads besides orders: a catalogue (`--catalogue`) and raw events (`--event`). */
import * as fs from "node:fs";
import { CatalogueError, parseCatalogue, type CatalogueProduct } from "../../../handlers/inventory/catalogue";
import { EventFileError, parseEventEntries } from "../orders/raw-events";
import type { PutEventsRequestEntry } from "../runtime/eventbridge/put-events";

function readJson(option: string, file: string, errorOf: (message: string) => Error): unknown {
  if (!fs.existsSync(file)) throw errorOf(`${option} ${file}: no such file`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw errorOf(`${option} ${file}: not valid JSON (${(error as Error).message})`);
  }
}

/** The products of a `--catalogue` file; a bad file is a CatalogueError naming the file and the field. */
export function readCatalogueFile(file: string): CatalogueProduct[] {
  const json = readJson("--catalogue", file, (m) => new CatalogueError(m));
  try {
    return parseCatalogue(json);
  } catch (error) {
    throw new CatalogueError(`--catalogue ${file}: ${(error as Error).message}`);
  }
}

/** The entries of an `--event` file; a bad file is an EventFileError naming the file and the field. */
export function readEventFile(file: string): { file: string; entry: PutEventsRequestEntry }[] {
  const json = readJson("--event", file, (m) => new EventFileError(m));
  try {
    return parseEventEntries(json).map((entry) => ({ file, entry }));
  } catch (error) {
    throw new EventFileError(`--event ${file}: ${(error as Error).message}`);
  }
}
