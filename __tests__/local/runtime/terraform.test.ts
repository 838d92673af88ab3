import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ExpressionError,
  UnknownValue,
  evaluate,
  parseExpression,
  parseTemplate,
  parseTfvars,
} from "../../../src/local/runtime/terraform/expression";
import { ReferenceError, TerraformReferences } from "../../../src/local/runtime/terraform/references";
import { VariableError, resolveVariables } from "../../../src/local/runtime/terraform/variables";
import type { StackDocument } from "../../../src/terraform/stack-document";

const account = { accountId: "000000000000", region: "eu-west-1" };
const noRefs = {
  lookup: () => {
    throw new ExpressionError("no references here");
  },
};
const ev = (text: string, vars: Record<string, unknown> = {}) =>
  evaluate(parseTemplate(text), {
    lookup: ([root, name]) => (root === "var" ? (vars[name as string] as never) : noRefs.lookup()),
  });

describe("Terraform expressions", () => {
  it("keeps the type of a whole-string interpolation and concatenates templates", () => {
    expect(ev("${var.n}", { n: 256 })).toBe(256);
    expect(ev("${var.p}-dev-orders", { p: "orders" })).toBe("orders-dev-orders");
    expect(ev("plain text")).toBe("plain text");
  });

  it("reads $${ as a literal ${, as cdktf escapes it", () => {
    expect(ev('{"a.$":"$$.Execution.Id","b":"$${not.a.ref}"}')).toBe('{"a.$":"$$.Execution.Id","b":"${not.a.ref}"}');
  });

  it("evaluates the conditionals and validations cdktf renders", () => {
    expect(ev('${(var.r < 1) ? "PAY_PER_REQUEST" : "PROVISIONED"}', { r: 0 })).toBe("PAY_PER_REQUEST");
    expect(ev("${(var.r < 1) ? null : var.r}", { r: 5 })).toBe(5);
    expect(ev('${var.t ? "Active" : "PassThrough"}', { t: false })).toBe("PassThrough");
    expect(ev('${can(regex("^[a-z][a-z0-9-]{1,20}[a-z0-9]$", var.p))}', { p: "orders" })).toBe(true);
    expect(ev('${can(regex("^[a-z][a-z0-9-]{1,20}[a-z0-9]$", var.p))}', { p: "Bad_Name" })).toBe(false);
    expect(ev("${contains([1, 3, 7], var.d)}", { d: 7 })).toBe(true);
    expect(ev("${var.m >= 128 && var.m <= 10240 && floor(var.m) == var.m}", { m: 256.5 })).toBe(false);
    expect(ev("${(var.a == 0) == (var.b == 0)}", { a: 0, b: 3 })).toBe(false);
  });

  it("names what it does not support instead of guessing", () => {
    expect(() => ev("${[for x in var.l : x]}", { l: [] })).toThrow(/for expressions are not supported/);
    expect(() => ev("${nosuchfn(1)}")).toThrow(/nosuchfn\(\) is not supported/);
    expect(() => ev("${var.l[*]}", { l: [] })).toThrow(/splat expressions \(\[\*\]\) are not supported/);
  });

  it("parses tfvars files with comments, lists and objects", () => {
    const vars = parseTfvars(`# settings
project_name = "shop"   // trailing comment
lambda_memory_size = 512
tags = { team = "orders", "cost-center" = 42 }
/* block */ zones = ["a", "b"]
enabled = true`);
    expect(vars).toEqual({
      project_name: "shop",
      lambda_memory_size: 512,
      tags: { team: "orders", "cost-center": 42 },
      zones: ["a", "b"],
      enabled: true,
    });
    expect(parseExpression("1 + 2 * 3")).toBeDefined();
  });
});

const stack: StackDocument = {
  provider: { aws: [{ region: "eu-west-1" }] },
  variable: {
    project_name: {
      type: "string",
      default: "orders",
      validation: [
        {
          condition: '${can(regex("^[a-z][a-z0-9-]{1,20}[a-z0-9]$", var.project_name))}',
          error_message: "project_name must be lowercase.",
        },
      ],
    },
    memory: { type: "number", default: 256 },
    tracing: { type: "bool", default: true },
    required: { type: "string" },
  },
  resource: {
    aws_sqs_queue: { dlq: { name: "${var.project_name}-dlq" } },
    aws_lambda_function: {
      fn: {
        function_name: "${var.project_name}-fn",
        environment: {
          variables: { QUEUE: "${aws_sqs_queue.dlq.url}", HASH: "${data.archive_file.zip.output_base64sha256}" },
        },
      },
    },
    aws_cloudwatch_event_bus: { bus: { name: "${var.project_name}-bus" } },
    aws_cloudwatch_event_rule: { rule: { name: "r", event_bus_name: "${aws_cloudwatch_event_bus.bus.name}" } },
    aws_sns_topic: { loop: { name: "${aws_sns_topic.loop.arn}" } },
  },
  data: { archive_file: { zip: { source_dir: "assets/fn", output_path: "dist/fn.zip" } } },
};

const v = (name: string, value: string) => ({ kind: "var" as const, name, value });

describe("variables", () => {
  it("takes defaults, then TF_VAR_, then tfvars files, then --var, converting to the declared type", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vars-"));
    const file = path.join(dir, "x.tfvars");
    fs.writeFileSync(file, 'memory = 1024\nproject_name = "fromfile"\n');
    const { values, origins } = resolveVariables(stack, {
      env: { TF_VAR_memory: "512", TF_VAR_required: "yes", TF_VAR_unrelated_to_stack: "ignored" },
      arguments: [
        { kind: "var-file", file },
        { kind: "var", name: "project_name", value: "fromcli" },
        { kind: "var", name: "tracing", value: "false" },
      ],
    });
    expect(values).toEqual({ project_name: "fromcli", memory: 1024, tracing: false, required: "yes" });
    expect(origins).toEqual({ project_name: "--var", memory: file, tracing: "--var", required: "environment" });
  });

  it("fails with the variable's own message when its validation refuses the value", () => {
    expect(() => resolveVariables(stack, { arguments: [v("required", "x"), v("project_name", "Bad_Name")] })).toThrow(
      'Invalid value for variable project_name ("Bad_Name"): project_name must be lowercase.',
    );
  });

  it("refuses unknown variables, wrong types and missing values, naming them", () => {
    expect(() => resolveVariables(stack, { arguments: [v("required", "x"), v("nope", "1")] })).toThrow(
      /--var "nope": the stack declares no such variable/,
    );
    expect(() => resolveVariables(stack, { arguments: [v("required", "x"), v("memory", "lots")] })).toThrow(
      /variable memory \(from --var\): a number is required/,
    );
    expect(() => resolveVariables(stack, {})).toThrow(VariableError);
    expect(() => resolveVariables(stack, {})).toThrow(/required has no default/);
  });
});

describe("references", () => {
  const refs = () =>
    new TerraformReferences(stack, resolveVariables(stack, { arguments: [v("required", "x")] }).values, account);

  it("resolves arguments and computes ARNs and URLs the way AWS builds them", () => {
    const r = refs();
    expect(r.resolveString("${aws_lambda_function.fn.arn}", "x")).toBe(
      "arn:aws:lambda:eu-west-1:000000000000:function:orders-fn",
    );
    expect(r.resolveString("${aws_cloudwatch_event_rule.rule.arn}", "x")).toBe(
      "arn:aws:events:eu-west-1:000000000000:rule/orders-bus/r",
    );
    expect(r.resolveString("${aws_sqs_queue.dlq.url}", "x")).toBe(
      "https://sqs.eu-west-1.amazonaws.com/000000000000/orders-dlq",
    );
    expect(r.resolveString("${data.archive_file.zip.source_dir}", "x")).toBe("assets/fn");
  });

  it("keeps values known only after apply unknown, and refuses them where a value is needed", () => {
    const r = refs();
    expect(r.resolve("${data.archive_file.zip.output_base64sha256}")).toBeInstanceOf(UnknownValue);
    expect(() => r.resolveConcrete(stack.resource?.aws_lambda_function?.fn?.environment, "fn.environment")).toThrow(
      /fn.environment.variables.HASH is \(known after apply: data.archive_file.zip.output_base64sha256\)/,
    );
  });

  it("names references to things the stack does not have, and cycles", () => {
    const r = refs();
    expect(() => r.resolve("${aws_sqs_queue.missing.arn}", "q")).toThrow(ReferenceError);
    expect(() => r.resolve("${aws_sqs_queue.missing.arn}", "q")).toThrow(
      /aws_sqs_queue.missing is not a resource of this stack/,
    );
    expect(() => r.resolve("${aws_sns_topic.loop.arn}", "t")).toThrow(/reference cycle/);
  });
});
