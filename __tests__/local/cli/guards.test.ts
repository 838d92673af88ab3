/** What `npm run local` checks before a run, and how it reports what went wrong. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { reportFailure } from "../../../src/local/cli/failure";
import { UsageError, parseCliOptions } from "../../../src/local/cli/options";
import { checkOutputFile } from "../../../src/local/cli/output-paths";
import { StackNotFound } from "../../../src/terraform/stack-document";
import { VariableArgumentError } from "../../../src/terraform/variable-arguments";

describe("output files, checked before the run", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-out-"));
  fs.writeFileSync(path.join(dir, "a-file"), "");

  it("refuses a directory, and a path under a file, naming the option", () => {
    expect(() => checkOutputFile("--state-out", dir)).toThrow(
      new UsageError(`--state-out ${dir}: is a directory; give a file name`),
    );
    expect(() => checkOutputFile("--report", path.join(dir, "a-file", "run.html"))).toThrow(
      /^--report .*a-file is a file, not a directory$/,
    );
  });

  it("accepts an existing file, and a new file in directories still to be made", () => {
    expect(() => checkOutputFile("--state-out", path.join(dir, "a-file"))).not.toThrow();
    expect(() => checkOutputFile("--report", path.join(dir, "new", "deeper", "run.html"))).not.toThrow();
  });
});

describe("reporting a failure", () => {
  const report = (error: unknown, verbose = false) => {
    const out = new PassThrough();
    const code = reportFailure(error, verbose, out);
    return { code, text: String(out.read() ?? "") };
  };

  it("bad input: its message and exit status 2", () => {
    expect(report(new UsageError("--orders must be a whole number"))).toEqual({
      code: 2,
      text: expect.stringMatching(/^--orders must be a whole number\nusage: /),
    });
  });

  it("bad input is known by its class: any UserInputError, whatever its name; a look-alike name is not", () => {
    const notFound = new StackNotFound('No synthesized stack "orders-x" in cdktf.out/stacks (found: orders-dev).');
    expect(report(notFound)).toEqual({ code: 2, text: `${notFound.message}\n` });
    const lookAlike = Object.assign(new Error("from elsewhere"), { name: "UsageError" });
    expect(report(lookAlike).code).toBe(1);
  });

  it("a bad --var keeps the error it wraps as its cause", () => {
    let thrown: unknown;
    try {
      parseCliOptions(["--var", "no-equals-sign"]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).cause).toBeInstanceOf(VariableArgumentError);
  });

  it("anything else: one line naming the error, exit status 1, the stack only with --verbose", () => {
    const error = Object.assign(new Error("Supplied AttributeValue is empty\nmore"), { name: "ValidationException" });
    const quiet = report(error);
    expect(quiet).toEqual({
      code: 1,
      text: "npm run local failed: ValidationException: Supplied AttributeValue is empty; more (--verbose shows where)\n",
    });
    const verbose = report(error, true);
    expect(verbose.text.split("\n")[0]).toBe(
      "npm run local failed: ValidationException: Supplied AttributeValue is empty; more",
    );
    expect(verbose.text).toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(report("a string").text).toBe("npm run local failed: a string (--verbose shows where)\n");
  });
});
