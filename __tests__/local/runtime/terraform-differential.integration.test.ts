/**
 * The local evaluator against terraform itself: every expression-bearing argument of the synthesized
 * stacks (resources, data sources, locals, outputs, the provider, the variables' validation
 * conditions), and a corpus of calls to every function the evaluator knows, evaluated by the real
 * `terraform` binary as outputs of a generated configuration with no provider, and by the runtime.
 * Resource attributes AWS computes (ARNs, names) are stood in by the same literal on both sides, so
 * what is compared is the expression language: templates, operators, functions and variables.
 * Variables come from the same sources on both sides (TF_VAR_, terraform.tfvars, *.auto.tfvars,
 * -var and -var-file in order): one terraform run per scenario.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  UnknownValue,
  Value,
  evaluate,
  hasInterpolation,
  parseTemplate,
} from "../../../src/local/runtime/terraform/expression";
import { findUnknown, TerraformReferences } from "../../../src/local/runtime/terraform/references";
import { resolveVariables } from "../../../src/local/runtime/terraform/variables";
import { findTerraform, runTerraform } from "../../../src/plan/terraform-cli";
import { VariableArgument, terraformVariableFlags } from "../../../src/terraform/variable-arguments";
import { fixtureBundles, synthPipeline } from "../../support/synth";
import type { StackDocument } from "../../../src/terraform/stack-document";

const terraform = findTerraform();
if (!terraform)
  console.warn(
    "SKIPPED terraform-differential: terraform is not on PATH (or ORDERS_TERRAFORM_BIN), so the evaluator cannot be compared with it.",
  );
const describeWithTerraform = terraform ? describe : describe.skip;

/** Calls of every function the evaluator knows, and template directives, with their edge cases; terraform gives the answers. */
const FUNCTION_CORPUS = [
  '${element(["a", "b", "c"], 4)}',
  '${element(["a", "b", "c"], 1.0)}',
  '${split(":", "arn:aws:events:us-east-1:000000000000:event-bus/x")}',
  '${split(",", "")}',
  '${split("", "abc")}',
  '${length("e\\u0301x")}',
  "${length({ a = 1, b = 2 })}",
  "${length([1, 2, 3])}",
  "${contains([1, 3], 3)}",
  '${contains(["1", "3"], 3)}',
  '${regex("^[a-z]+$", "abc")}',
  '${regex("(a)(b)?", "a")}',
  '${regex("(?P<x>a)(?P<y>b)?", "a")}',
  '${regex("(?i)A", "a")}',
  '${can(regex("x", "abc"))}',
  '${try(regex("x", "abc"), "fallback")}',
  "${floor(-1.5)}",
  "${ceil(1.2)}",
  "${abs(-3)}",
  "${min(3, 1, 2)}",
  "${max(3, 1, 2)}",
  '${join("-", ["a", "b"], ["c"])}',
  "${tostring(5.50)}",
  '${tonumber("1e3")}',
  '${tobool("true")}',
  '${format("%5s|", "x")}',
  '${format("%-5s|%05d|%.2f|%x|%X|%o|%b", "x", 42, 3.14159, 255, 255, 8, 5)}',
  '${format("%e|%g|%g|%g|%E|%G", 1234.5678, 0.000012, 100000, 1000000, 12.5, 1e-7)}',
  '${format("%t|%q|%v|%#v|%%", true, "q\\"", [1, "a"], { a = 1 })}',
  '${format("%[2]s-%[1]s", "a", "b")}',
  '${format("%+d|% d|%8.3f|%-8.3f|%s|%s|%d", 5, 5, 3.14159, 3.14159, 1.5, true, 3.0)}',
  '${format("%10.4v|%.3s|%X", "abcdefgh", "abcdef", -255)}',
  '${format("%v|%v|%v", 1.5, 123456789, "s")}',
  '${format("%s|%d|%.3g|%.3g|%.10g", 1e21, 1e21, 100, 1.5, 0.1)}',
  '${format("%d", "12")}',
  "${1e21}|${0.0000001}|${5.50}|${-5}",
  '${(1 < 2) ? "yes" : "no"}|${!true}|${7 % 3}|${1 + 2 * 3}',
  '${"5" + 1}|${"1" == 1}|${[1, "a"] == [1, "a"]}',
  '%{ for k, v in { b = 2, a = 1 } }${k}=${v};%{ endfor }|%{ for i, x in ["a", "b"] }${i}${x}%{ endfor }',
  'x %{~ if false }y%{ else }z%{ endif ~} w|a ${~ "b" ~} c|%{ if "true" }s%{ endif }',
];

interface Scenario {
  readonly name: string;
  readonly environment: "dev" | "prod";
  readonly env?: Record<string, string>;
  /** Files of the working directory (terraform.tfvars, *.auto.tfvars, or files given with -var-file). */
  readonly files?: Record<string, string>;
  readonly arguments?: (dir: string) => VariableArgument[];
  readonly corpus?: readonly string[];
}

const SCENARIOS: readonly Scenario[] = [
  { name: "dev with the defaults", environment: "dev", corpus: FUNCTION_CORPUS },
  { name: "prod with the defaults", environment: "prod" },
  {
    name: "dev with every source of values",
    environment: "dev",
    env: { TF_VAR_lambda_memory_size: "1024", TF_VAR_project_name: "from-env", TF_VAR_not_declared: "x" },
    files: {
      "terraform.tfvars":
        'project_name = "from-tfvars"\nalarm_email = <<-EOT\n  ops@example.com\n  EOT\nundeclared_in_file = 1\n',
      "terraform.tfvars.json": '{"log_retention_days": "30"}',
      "a.auto.tfvars": 'xray_tracing_enabled = "false"\nlambda_memory_size = null\n',
      "b.auto.tfvars.json": '{"dynamodb_read_capacity": 5}',
      "first.tfvars": 'project_name = "from-first-file"\n',
      "second.tfvars": "\uFEFF# a byte order mark first\nlog_retention_days = 14\n",
    },
    arguments: (dir) => [
      { kind: "var", name: "dynamodb_write_capacity", value: "5" },
      { kind: "var-file", file: path.join(dir, "first.tfvars") },
      { kind: "var", name: "project_name", value: "from-cli" },
      { kind: "var-file", file: path.join(dir, "second.tfvars") },
      { kind: "var", name: "xray_tracing_enabled", value: "1" },
    ],
  },
  {
    name: "prod on demand, with an alarm address and literal forms",
    environment: "prod",
    arguments: () => [
      { kind: "var", name: "dynamodb_read_capacity", value: "0" },
      { kind: "var", name: "dynamodb_write_capacity", value: "0" },
      { kind: "var", name: "alarm_email", value: "ops@example.com" },
      { kind: "var", name: "lambda_memory_size", value: "+2048" },
      { kind: "var", name: "log_retention_days", value: "3.653e3" },
      { kind: "var", name: "xray_tracing_enabled", value: "0" },
    ],
  },
];

/** Meta-arguments and cdktf metadata: not expressions the runtime evaluates. */
const SKIPPED_ARGUMENTS = new Set(["//", "depends_on", "lifecycle", "provider", "provisioner"]);

const REFERENCE =
  /(?<![\w.-])(data\.[a-z0-9_]+\.[A-Za-z0-9_-]+\.[a-z0-9_]+|[a-z0-9]+_[a-z0-9_]+\.[A-Za-z0-9_-]+\.[a-z0-9_]+)/g;

/** Index of the `}` closing an interpolation whose expression starts at `from`. */
function closingBrace(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === "\\") i++;
    } else if (c === "{") depth++;
    else if (c === "}" && depth-- === 0) return i;
  }
  throw new Error(`unterminated interpolation in ${s.slice(from - 2, from + 80)}`);
}

/** `value` with resource and data references inside its interpolations replaced by `local.<stand-in>`. */
function standIn(value: unknown, standIns: Map<string, string>): unknown {
  if (typeof value === "string") {
    let out = "";
    for (let i = 0; i < value.length;) {
      if (value.startsWith("$${", i)) {
        out += "$${";
        i += 3;
      } else if (value.startsWith("${", i)) {
        const end = closingBrace(value, i + 2);
        const expr = value.slice(i + 2, end).replace(REFERENCE, (ref) => {
          if (!standIns.has(ref)) standIns.set(ref, `stand_in_${standIns.size}`);
          return `local.${standIns.get(ref)}`;
        });
        out += `\${${expr}}`;
        i = end + 1;
      } else out += value[i++];
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => standIn(v, standIns));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "//")
        .map(([k, v]) => [k, standIn(v, standIns)]),
    );
  }
  return value;
}

/** A value as a literal of Terraform's JSON syntax, where every string is a template. */
function literal(v: Value): unknown {
  if (typeof v === "string") return v.replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
  if (Array.isArray(v)) return v.map(literal);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, literal(x as Value)]));
  return v;
}

function containsInterpolation(value: unknown): boolean {
  if (typeof value === "string") return hasInterpolation(value);
  if (Array.isArray(value)) return value.some(containsInterpolation);
  if (value && typeof value === "object")
    return Object.entries(value).some(([k, v]) => k !== "//" && containsInterpolation(v));
  return false;
}

/** Every expression-bearing argument of a stack, by a path naming it. */
function expressionArguments(document: StackDocument): [string, unknown][] {
  const out: [string, unknown][] = [];
  const blocks = (kind: string, byType: Record<string, Record<string, Record<string, unknown>>> | undefined) => {
    for (const [type, byName] of Object.entries(byType ?? {})) {
      for (const [name, config] of Object.entries(byName)) {
        for (const [arg, value] of Object.entries(config)) {
          if (!SKIPPED_ARGUMENTS.has(arg) && containsInterpolation(value))
            out.push([`${kind}${type}.${name}.${arg}`, value]);
        }
      }
    }
  };
  blocks("", document.resource as never);
  blocks("data.", document.data as never);
  for (const [name, value] of Object.entries(document.locals ?? {}))
    if (containsInterpolation(value)) out.push([`local.${name}`, value]);
  for (const [name, config] of Object.entries(document.output ?? {})) {
    const value = (config as { value?: unknown }).value;
    if (containsInterpolation(value)) out.push([`output.${name}`, value]);
  }
  (document.provider?.aws ?? []).forEach((block, i) => {
    for (const [arg, value] of Object.entries(block))
      if (containsInterpolation(value)) out.push([`provider.aws[${i}].${arg}`, value]);
  });
  for (const [name, decl] of Object.entries(document.variable ?? {})) {
    (decl.validation ?? []).forEach((rule, i) => out.push([`variable.${name}.validation[${i}]`, rule.condition]));
  }
  return out;
}

interface TerraformAnswer {
  readonly outputs: Record<string, Value>;
  readonly undeclaredWarnings: string[];
}

async function applyOutputs(
  dir: string,
  args: readonly VariableArgument[],
  env: Record<string, string>,
): Promise<TerraformAnswer> {
  const result = await runTerraform(
    terraform as string,
    ["apply", "-auto-approve", "-input=false", "-json", ...terraformVariableFlags(args)],
    dir,
    {
      ...env,
      TF_DATA_DIR: path.join(dir, ".terraform"),
    },
  );
  const messages = result.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map(
      (l) =>
        JSON.parse(l) as {
          type: string;
          outputs?: Record<string, { value?: Value; type?: unknown }>;
          diagnostic?: { severity: string; summary: string; detail: string };
        },
    );
  const errors = messages
    .filter((m) => m.diagnostic?.severity === "error")
    .map((m) => `${m.diagnostic?.summary}: ${m.diagnostic?.detail.slice(0, 300)}`);
  if (errors.length > 0 || result.code !== 0)
    throw new Error(`terraform apply failed: ${errors.join("; ") || result.stderr}`);
  const applied = messages
    .filter((m) => m.type === "outputs" && Object.values(m.outputs ?? {}).some((o) => o.type !== undefined))
    .pop();
  if (!applied) throw new Error(`terraform printed no output values:\n${result.stdout.slice(0, 2000)}`);
  return {
    outputs: Object.fromEntries(Object.entries(applied.outputs ?? {}).map(([k, o]) => [k, o.value ?? null])),
    undeclaredWarnings: messages
      .filter((m) => m.diagnostic?.severity === "warning" && m.diagnostic.summary === "Value for undeclared variable")
      .map((m) => (/variable named "([^"]+)"/.exec(m.diagnostic?.detail ?? "") as RegExpExecArray)[1] as string),
  };
}

interface Comparison {
  readonly compared: number;
  /** Distinct expressions terraform evaluated. */
  readonly outputs: number;
  readonly mismatches: { path: string; runtime: Value; terraform: Value }[];
  readonly runtimeWarnings: readonly string[];
  readonly terraformWarnings: readonly string[];
}

async function compare(scenario: Scenario, document: StackDocument): Promise<Comparison> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-differential-"));
  try {
    for (const [name, text] of Object.entries(scenario.files ?? {})) fs.writeFileSync(path.join(dir, name), text);
    const args = scenario.arguments?.(dir) ?? [];
    const resolved = resolveVariables(document, { env: scenario.env ?? {}, directory: dir, arguments: args });
    const refs = new TerraformReferences(document, resolved.values, { accountId: "000000000000", region: "us-east-1" });

    const standIns = new Map<string, string>();
    const outputs: Record<string, { value: unknown }> = {};
    const expected: { path: string; runtime: Value; output: string }[] = [];
    const outputNames = new Map<string, string>();
    const entries: [string, unknown, () => Value][] = [
      ...expressionArguments(document).map(([p, v]): [string, unknown, () => Value] => [
        p,
        v,
        () => refs.resolve(v, p),
      ]),
      ...(scenario.corpus ?? []).map((text, i): [string, unknown, () => Value] => [
        `corpus[${i}] ${text}`,
        text,
        () =>
          evaluate(parseTemplate(text), {
            lookup: () => {
              throw new Error("no references in the corpus");
            },
          }),
      ]),
      ...Object.keys(document.variable ?? {}).map((name): [string, unknown, () => Value] => [
        `var.${name}`,
        `\${var.${name}}`,
        () => resolved.values[name] as Value,
      ]),
    ];
    for (const [p, value, runtime] of entries) {
      const v = runtime();
      // Known only after apply (an archive's hash and what embeds it): nothing to compare.
      if (findUnknown(v)) continue;
      // Arguments written alike (many names share a template) are one output.
      const rewritten = standIn(value, standIns);
      const key = JSON.stringify(rewritten);
      if (!outputNames.has(key)) {
        outputNames.set(key, `o${outputNames.size}`);
        outputs[outputNames.get(key) as string] = { value: rewritten };
      }
      expected.push({ path: p, runtime: v, output: outputNames.get(key) as string });
    }
    const locals: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(document.locals ?? {})) locals[name] = standIn(value, standIns);
    for (const [ref, local] of standIns) {
      const v = refs.resolve(`\${${ref}}`, ref);
      locals[local] = v instanceof UnknownValue || findUnknown(v) ? "(known after apply)" : literal(v);
    }
    fs.writeFileSync(
      path.join(dir, "main.tf.json"),
      JSON.stringify({ variable: document.variable, locals, output: outputs }, null, 1),
    );

    const answer = await applyOutputs(dir, args, scenario.env ?? {});
    const mismatches = expected
      .map(({ path: p, runtime, output }) => ({ path: p, runtime, terraform: answer.outputs[output] ?? null }))
      .filter((e) => JSON.stringify(e.runtime) !== JSON.stringify(e.terraform));
    return {
      compared: expected.length,
      outputs: outputNames.size,
      mismatches,
      runtimeWarnings: resolved.warnings,
      terraformWarnings: answer.undeclaredWarnings,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describeWithTerraform("the local evaluator gives what terraform 1.11 gives", () => {
  const documents = {
    dev: JSON.parse(synthPipeline("dev", fixtureBundles()).synthesized) as StackDocument,
    prod: JSON.parse(synthPipeline("prod", fixtureBundles()).synthesized) as StackDocument,
  };
  let results: Map<string, Comparison>;
  beforeAll(async () => {
    const compared = await Promise.all(
      SCENARIOS.map(async (s) => [s.name, await compare(s, documents[s.environment])] as const),
    );
    results = new Map(compared);
  }, 60_000);

  test.each(SCENARIOS.map((s) => [s.name]))("%s: every expression evaluates alike", (name) => {
    const result = results.get(name) as Comparison;
    expect(result.mismatches).toEqual([]);
    // Not vacuous: over a hundred distinct expressions of the stack, and every variable, were compared.
    expect(result.outputs).toBeGreaterThan(100);
  });

  test("the same undeclared names are warned about, and TF_VAR_ of an undeclared name is ignored", () => {
    const result = results.get("dev with every source of values") as Comparison;
    expect(result.terraformWarnings).toEqual(["undeclared_in_file"]);
    expect(result.runtimeWarnings).toHaveLength(1);
    expect(result.runtimeWarnings[0]).toContain('"undeclared_in_file"');
  });
});
