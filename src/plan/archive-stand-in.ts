import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yazl from "yazl";

/** What the archive provider's `archive_file` (type zip, `source_dir`) reports, computed here. */
export interface ArchiveOutputs {
  readonly output_path: string;
  readonly output_size: number;
  readonly output_md5: string;
  readonly output_sha: string;
  readonly output_sha256: string;
  readonly output_base64sha256: string;
  readonly output_sha512: string;
  readonly output_base64sha512: string;
  /** Entry names, in archive order. */
  readonly entries: readonly string[];
}

/** A fixed timestamp: the same sources give the same zip. */
const FIXED_MTIME = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));

/** Files below `dir`, relative, with `/` separators, in the lexical walk order the provider uses. */
export function listFiles(dir: string, prefix = ""): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) return listFiles(dir, rel);
      return entry.isFile() ? [rel] : [];
    });
}

/**
 * Zips `sourceDir` into `outputPath` as `archive_file` does (every file, walk order, deflated, the given
 * mode, a fixed timestamp) and returns the provider's outputs for that file. The bytes are zlib's deflate,
 * not Go's, so the hash is that of this zip, not of the provider's: plans made with it are for review.
 */
export async function writeZip(sourceDir: string, outputPath: string, fileMode = 0o644): Promise<ArchiveOutputs> {
  if (!fs.existsSync(sourceDir) || !fs.statSync(sourceDir).isDirectory()) {
    throw new Error(`archive_file source_dir "${sourceDir}" is not a directory.`);
  }
  const entries = listFiles(sourceDir);
  if (entries.length === 0) throw new Error(`archive_file source_dir "${sourceDir}" is empty.`);
  fs.mkdirSync(path.dirname(outputPath), { recursive: true });
  const zip = new yazl.ZipFile();
  for (const name of entries) {
    zip.addBuffer(fs.readFileSync(path.join(sourceDir, name)), name, {
      mtime: FIXED_MTIME,
      mode: fileMode,
      compress: true,
    });
  }
  zip.end();
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.on("data", (c: Buffer) => chunks.push(c));
    zip.outputStream.on("end", resolve);
    zip.outputStream.on("error", reject);
  });
  const bytes = Buffer.concat(chunks);
  fs.writeFileSync(outputPath, bytes);
  const digest = (algorithm: string, encoding: "hex" | "base64") =>
    createHash(algorithm).update(bytes).digest(encoding);
  return {
    output_path: outputPath,
    output_size: bytes.length,
    output_md5: digest("md5", "hex"),
    output_sha: digest("sha1", "hex"),
    output_sha256: digest("sha256", "hex"),
    output_base64sha256: digest("sha256", "base64"),
    output_sha512: digest("sha512", "hex"),
    output_base64sha512: digest("sha512", "base64"),
    entries,
  };
}

/** A synthesized stack, as far as the stand-in needs it. */
export interface TerraformJson {
  terraform?: { required_providers?: Record<string, unknown>; [key: string]: unknown };
  provider?: Record<string, unknown>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  [key: string]: unknown;
}

export interface StandInResult {
  /** The stack without the archive provider: `archive_file` outputs written in as literals. */
  readonly stack: TerraformJson;
  /** One line per stood-in data source, for the log. */
  readonly archives: readonly { readonly address: string; readonly outputs: ArchiveOutputs }[];
}

/**
 * Replaces every `data.archive_file` in a stack by the outputs of a zip made here, in `stackDir`, and
 * drops the archive provider, so the stack plans where that provider cannot be installed.
 */
export async function standInArchives(stack: TerraformJson, stackDir: string): Promise<StandInResult> {
  const archiveFiles = stack.data?.archive_file ?? {};
  const archives: { address: string; outputs: ArchiveOutputs }[] = [];
  let text = JSON.stringify(stack);
  for (const [name, config] of Object.entries(archiveFiles)) {
    const address = `data.archive_file.${name}`;
    if (config.type !== "zip" || typeof config.source_dir !== "string" || typeof config.output_path !== "string") {
      throw new Error(`${address}: the stand-in handles type "zip" with source_dir and output_path only.`);
    }
    const mode = typeof config.output_file_mode === "string" ? parseInt(config.output_file_mode, 8) : 0o644;
    const outputs = await writeZip(
      path.resolve(stackDir, config.source_dir),
      path.resolve(stackDir, config.output_path),
      mode,
    );
    archives.push({ address, outputs });
    const literal: Record<string, string | number> = { ...outputs, output_path: config.output_path } as never;
    text = text.replace(
      new RegExp(`\\$\\{${address.replace(/[.]/g, "\\.")}\\.([a-z0-9_]+)\\}`, "g"),
      (whole, attr: string) => {
        const value = literal[attr];
        if (value === undefined || attr === "entries") throw new Error(`${whole}: no such archive_file attribute.`);
        return String(value);
      },
    );
  }
  const result = JSON.parse(text) as TerraformJson;
  if (result.data) {
    delete result.data.archive_file;
    if (Object.keys(result.data).length === 0) delete result.data;
  }
  delete result.terraform?.required_providers?.archive;
  delete result.provider?.archive;
  if (text.includes("data.archive_file.") && JSON.stringify(result).includes("data.archive_file.")) {
    throw new Error("A reference to data.archive_file remains after the stand-in; it would not plan.");
  }
  return { stack: result, archives };
}
