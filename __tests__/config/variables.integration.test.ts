import { Testing, TerraformStack } from "cdktf";
import { PROFILES } from "../../src/config/profiles";
import { VARIABLE_SPECS } from "../../src/config/variable-specs";
import { PipelineVariables } from "../../src/config/variables";
import { resolveVariables } from "../../src/local/runtime/terraform/variables";
import { findTerraform } from "../../src/plan/terraform-cli";
import { checkVariables } from "../../src/plan/variable-check";

function synthesizedVariables(environment: keyof typeof PROFILES): Record<string, unknown> {
  const app = Testing.app();
  const stack = new TerraformStack(app, "variables");
  new PipelineVariables(stack, "variables", PROFILES[environment]);
  return (JSON.parse(Testing.synth(stack)) as { variable: Record<string, unknown> }).variable;
}

const terraform = findTerraform();
if (!terraform) {
  console.warn(
    "SKIPPED variables.integration: terraform is not on PATH (or ORDERS_TERRAFORM_BIN), so Terraform cannot judge the validation blocks.",
  );
}
const describeWithTerraform = terraform ? describe : describe.skip;

describe("variable declarations", () => {
  const variables = synthesizedVariables("dev");

  test("declares every documented variable under its Terraform name, with type, description and a profile default", () => {
    expect(Object.keys(variables).sort()).toEqual(VARIABLE_SPECS.map((s) => s.name).sort());
    for (const spec of VARIABLE_SPECS) {
      const declared = variables[spec.name] as Record<string, unknown>;
      expect(declared).toMatchObject({ type: spec.type, description: spec.description, nullable: false });
      expect(declared.default).toEqual(PROFILES.dev[spec.defaultFrom]);
    }
  });

  test("renders each validation condition as one Terraform expression", () => {
    for (const spec of VARIABLE_SPECS) {
      const declared = variables[spec.name] as { validation: { condition: string }[] };
      for (const v of declared.validation) expect(v.condition).toMatch(/^\$\{[^]*\}$/);
    }
  });

  test("prod defaults to provisioned capacity; dev to on-demand", () => {
    const prod = synthesizedVariables("prod") as Record<string, { default: unknown }>;
    expect(prod.dynamodb_read_capacity?.default).toBeGreaterThan(0);
    expect((variables.dynamodb_read_capacity as { default: unknown }).default).toBe(0);
  });
});

describeWithTerraform("variable validation, judged by terraform", () => {
  const variables = synthesizedVariables("dev");

  test("the profile defaults are accepted", async () => {
    const result = await checkVariables(variables, {});
    expect(result.errors).toEqual([]);
    expect(result.accepted).toBe(true);
  });

  const accepted: [string, Record<string, string>][] = [
    ["a short project name", { project_name: "abc" }],
    ["a 22-character project name", { project_name: "a123456789012345678901" }],
    ["retention of 1 day", { log_retention_days: "1" }],
    ["retention of 10 years", { log_retention_days: "3653" }],
    // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html: RetentionDays, minimum 0 (indefinitely).
    ["an archive kept indefinitely", { event_archive_retention_days: "0" }],
    ["an archive kept 400 days", { event_archive_retention_days: "400" }],
    ["the smallest memory", { lambda_memory_size: "128" }],
    ["the largest memory", { lambda_memory_size: "10240" }],
    ["provisioned capacity on both", { dynamodb_read_capacity: "5", dynamodb_write_capacity: "10" }],
    ["tracing off", { xray_tracing_enabled: "false" }],
    ["an alarm address", { alarm_email: "ops@example.com" }],
    ["an Express saga", { workflow_type: "EXPRESS" }],
    ["a Standard saga", { workflow_type: "STANDARD" }],
  ];
  const asArguments = (vars: Record<string, string>) =>
    Object.entries(vars).map(([name, value]) => ({ kind: "var" as const, name, value }));

  test.each(accepted)("accepts %s, as the local runtime does", async (_name, vars) => {
    const result = await checkVariables(variables, { arguments: asArguments(vars) });
    expect(result.errors).toEqual([]);
    expect(() => resolveVariables({ variable: variables as never }, { arguments: asArguments(vars) })).not.toThrow();
  });

  const refused: [string, Record<string, string>, string][] = [
    ["an uppercase project name", { project_name: "Orders" }, "project_name must be 3-22 characters"],
    ["a project name ending in a hyphen", { project_name: "orders-" }, "project_name must be 3-22 characters"],
    [
      "a 23-character project name",
      { project_name: "a1234567890123456789012" },
      "project_name must be 3-22 characters",
    ],
    ["retention CloudWatch does not offer", { log_retention_days: "10" }, "log_retention_days must be one of"],
    ["retention 0 (never expire)", { log_retention_days: "0" }, "log_retention_days must be one of"],
    [
      "a negative archive retention",
      { event_archive_retention_days: "-1" },
      "event_archive_retention_days must be a whole number of days, 0 (keep indefinitely) or more",
    ],
    [
      "a fractional archive retention",
      { event_archive_retention_days: "1.5" },
      "event_archive_retention_days must be a whole number of days",
    ],
    [
      "memory below 128 MB",
      { lambda_memory_size: "64" },
      "lambda_memory_size must be a whole number of MB from 128 to 10240",
    ],
    [
      "memory above 10240 MB",
      { lambda_memory_size: "10241" },
      "lambda_memory_size must be a whole number of MB from 128 to 10240",
    ],
    ["fractional memory", { lambda_memory_size: "256.5" }, "lambda_memory_size must be a whole number"],
    [
      "negative read capacity",
      { dynamodb_read_capacity: "-1", dynamodb_write_capacity: "-1" },
      "dynamodb_read_capacity must be 0 (on-demand)",
    ],
    [
      "fractional write capacity",
      { dynamodb_read_capacity: "1", dynamodb_write_capacity: "1.5" },
      "dynamodb_write_capacity must be 0 (on-demand)",
    ],
    [
      "read capacity without write capacity",
      { dynamodb_read_capacity: "5" },
      "must both be 0 (on-demand) or both be at least 1",
    ],
    ["a malformed alarm address", { alarm_email: "ops-at-example" }, "alarm_email must be empty or one e-mail address"],
    ["a non-boolean tracing flag", { xray_tracing_enabled: "maybe" }, "a bool is required"],
    ["a non-number memory", { lambda_memory_size: "big" }, "a number is required"],
    // aws_sfn_state_machine.type takes the uppercase names only.
    ["a lowercase workflow type", { workflow_type: "express" }, "workflow_type must be one of STANDARD, EXPRESS"],
    ["a workflow type AWS does not have", { workflow_type: "SYNC" }, "workflow_type must be one of STANDARD, EXPRESS"],
  ];
  test.each(refused)("refuses %s, saying what is allowed, as the local runtime does", async (_name, vars, message) => {
    const result = await checkVariables(variables, { arguments: asArguments(vars) });
    expect(result.accepted).toBe(false);
    expect(result.errors.join("\n").replace(/\s+/g, " ")).toContain(message);
    expect(() => resolveVariables({ variable: variables as never }, { arguments: asArguments(vars) })).toThrow(message);
  });
});
