import * as path from "node:path";
import { parsePlanArgs } from "../../src/plan/plan-options";
import { terraformVariableFlags } from "../../src/terraform/variable-arguments";
import { PROJECT_ROOT } from "../support/bundles";

const EXAMPLE = path.join(PROJECT_ROOT, "terraform.tfvars.example");

describe("the plan command line", () => {
  it("keeps --var-file and --var in the order given, as terraform applies them (the later wins)", () => {
    const options = parsePlanArgs(
      ["--var", "lambda_memory_size=1024", "--var-file", EXAMPLE, "--var", "project_name=a=b", "--var-file", EXAMPLE],
      {},
    );
    if (options === "help") throw new Error("help");
    expect(options.inputs).toEqual([
      { kind: "var", name: "lambda_memory_size", value: "1024" },
      { kind: "var-file", file: EXAMPLE },
      { kind: "var", name: "project_name", value: "a=b" },
      { kind: "var-file", file: EXAMPLE },
    ]);
    expect(terraformVariableFlags(options.inputs)).toEqual([
      "-var=lambda_memory_size=1024",
      `-var-file=${EXAMPLE}`,
      "-var=project_name=a=b",
      `-var-file=${EXAMPLE}`,
    ]);
  });

  it("defaults to orders-dev (or $STACK), synthesizes, and writes to .build/plan-review/<stack>", () => {
    expect(parsePlanArgs([], {})).toEqual({
      stack: "orders-dev",
      out: path.join(".build", "plan-review", "orders-dev"),
      inputs: [],
      outdir: "cdktf.out",
      synth: true,
      account: false,
    });
    expect(parsePlanArgs(["--no-synth", "--account", "--out", "r"], { STACK: "orders-prod" })).toMatchObject({
      stack: "orders-prod",
      out: "r",
      synth: false,
      account: true,
    });
  });

  it("answers --help before anything else", () => {
    expect(parsePlanArgs(["--help", "--stack", "nope"], {})).toBe("help");
  });

  it("refuses a stack the app does not have, naming the stacks and ORDERS_ENVIRONMENTS", () => {
    expect(() => parsePlanArgs(["--stack", "orders-qa"], {})).toThrow(
      "--stack orders-qa: this app has no such stack; its stacks are state-bootstrap, orders-dev, orders-staging, orders-prod (ORDERS_ENVIRONMENTS chooses which environments are synthesized)",
    );
    expect(parsePlanArgs(["--stack", "orders-staging"], {})).toMatchObject({ stack: "orders-staging" });
  });

  it("refuses a malformed --var, a missing --var-file and an unknown option, each in one line", () => {
    expect(() => parsePlanArgs(["--var", "lambda_memory_size"], {})).toThrow(
      '--var "lambda_memory_size" is not correctly specified: it must look like name=value.',
    );
    expect(() => parsePlanArgs(["--var-file", "no-such.tfvars"], {})).toThrow(
      "--var-file no-such.tfvars: no such file",
    );
    expect(() => parsePlanArgs(["--verbose"], {})).toThrow(/Unknown option '--verbose'/);
  });
});
