import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { listFiles, standInArchives, writeZip } from "../../src/plan/archive-stand-in";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "orders-zip-"));

function bundleDir(): string {
  const dir = tmp();
  fs.mkdirSync(path.join(dir, "sub"));
  fs.writeFileSync(path.join(dir, "index.js"), "exports.handler = async () => 1;\n");
  fs.writeFileSync(path.join(dir, "index.js.map"), "{}\n");
  fs.writeFileSync(path.join(dir, "sub", "a.txt"), "a\n");
  return dir;
}

describe("archive_file stand-in", () => {
  test("lists files in lexical walk order with / separators", () => {
    expect(listFiles(bundleDir())).toEqual(["index.js", "index.js.map", "sub/a.txt"]);
  });

  test("the same sources give the same zip and hash, whatever the files' times and modes", async () => {
    const a = bundleDir();
    const b = bundleDir();
    fs.utimesSync(path.join(b, "index.js"), new Date(2001, 1, 1), new Date(2001, 1, 1));
    fs.chmodSync(path.join(b, "index.js"), 0o755);
    const za = await writeZip(a, path.join(tmp(), "a.zip"));
    const zb = await writeZip(b, path.join(tmp(), "b.zip"));
    expect(za.output_base64sha256).toBe(zb.output_base64sha256);
    expect(fs.readFileSync(za.output_path).equals(fs.readFileSync(zb.output_path))).toBe(true);
    expect(za.output_size).toBe(fs.statSync(za.output_path).size);
  });

  test("a change in the sources changes the hash", async () => {
    const a = bundleDir();
    const before = await writeZip(a, path.join(tmp(), "a.zip"));
    fs.appendFileSync(path.join(a, "index.js"), "// changed\n");
    const after = await writeZip(a, path.join(tmp(), "a.zip"));
    expect(after.output_base64sha256).not.toBe(before.output_base64sha256);
  });

  test("replaces every archive_file reference by literals and drops the archive provider", async () => {
    const stackDir = tmp();
    fs.cpSync(bundleDir(), path.join(stackDir, "assets", "fn"), { recursive: true });
    const stack = {
      terraform: { required_providers: { aws: { source: "aws" }, archive: { source: "hashicorp/archive" } } },
      provider: { aws: [{}], archive: [{}] },
      data: {
        archive_file: {
          fn_zip: { type: "zip", source_dir: "assets/fn", output_path: "dist/fn.zip", output_file_mode: "0644" },
        },
      },
      resource: {
        aws_lambda_function: {
          fn: {
            filename: "${data.archive_file.fn_zip.output_path}",
            source_code_hash: "${data.archive_file.fn_zip.output_base64sha256}",
          },
        },
      },
    };
    const { stack: out, archives } = await standInArchives(stack, stackDir);
    expect(archives).toHaveLength(1);
    const fn = out.resource?.aws_lambda_function?.fn;
    expect(fn).toEqual({ filename: "dist/fn.zip", source_code_hash: archives[0]?.outputs.output_base64sha256 });
    expect(out.data).toBeUndefined();
    expect(out.terraform?.required_providers).toEqual({ aws: { source: "aws" } });
    expect(out.provider).toEqual({ aws: [{}] });
    expect(fs.existsSync(path.join(stackDir, "dist", "fn.zip"))).toBe(true);
  });

  test("fails, naming the data source, when it cannot stand in faithfully", async () => {
    const stack = { data: { archive_file: { odd: { type: "tar.gz", source_dir: "x", output_path: "y" } } } };
    await expect(standInArchives(stack, tmp())).rejects.toThrow(
      'data.archive_file.odd: the stand-in handles type "zip"',
    );
    await expect(writeZip(path.join(tmp(), "missing"), path.join(tmp(), "z.zip"))).rejects.toThrow(
      /is not a directory/,
    );
  });
});
