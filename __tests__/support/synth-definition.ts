/**
 * The state machine definition as the stack synthesizes it, with its Terraform
 * references resolved to local resources, so the saga tests can run the very JSON that
 * Terraform would deploy.
 */
import { fixtureBundles, resourcesOf, synthPipeline } from "./synth";
import type { AnyDefinition } from "./workflow-runner";

export interface LocalNames {
  readonly paymentFunctionArn: string;
  readonly inventoryFunctionArn: string;
  readonly tables: Readonly<Record<"orders" | "inventory" | "payments" | "idempotency", string>>;
  readonly eventBusName: string;
}

export interface SynthesizedWorkflow {
  readonly definition: AnyDefinition;
  /** The raw `definition` string, references unresolved. */
  readonly raw: string;
  /** The event patterns of the stack's rules, by resource name. */
  readonly rulePatterns: Readonly<Record<string, Record<string, unknown>>>;
}

/** Synthesizes the dev stack and resolves its state machine's references to `names`. */
export function synthesizedWorkflow(names: LocalNames): SynthesizedWorkflow {
  const { json } = synthPipeline("dev", fixtureBundles());
  const machines = Object.values(resourcesOf(json, "aws_sfn_state_machine"));
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const raw = String(machines[0]!.definition);

  const byRef = new Map<string, string>();
  for (const [id, fn] of Object.entries(resourcesOf(json, "aws_lambda_function"))) {
    const name = String(fn.function_name);
    if (name.endsWith("-payment")) byRef.set(`aws_lambda_function.${id}.arn`, names.paymentFunctionArn);
    if (name.endsWith("-inventory")) byRef.set(`aws_lambda_function.${id}.arn`, names.inventoryFunctionArn);
  }
  for (const [id, table] of Object.entries(resourcesOf(json, "aws_dynamodb_table"))) {
    for (const logical of Object.keys(names.tables) as (keyof LocalNames["tables"])[]) {
      if (String(table.name).endsWith(`-${logical}`)) byRef.set(`aws_dynamodb_table.${id}.name`, names.tables[logical]);
    }
  }
  for (const id of Object.keys(resourcesOf(json, "aws_cloudwatch_event_bus")))
    byRef.set(`aws_cloudwatch_event_bus.${id}.name`, names.eventBusName);

  const resolved = raw.replace(/\$\{([^}]+)\}/g, (whole, ref: string) => {
    const value = byRef.get(ref);
    if (value === undefined)
      throw new Error(`the synthesized definition refers to ${whole}, which has no local stand-in`);
    return value;
  });
  const rulePatterns = Object.fromEntries(
    Object.entries(resourcesOf(json, "aws_cloudwatch_event_rule")).map(([id, rule]) => [
      id,
      JSON.parse(String(rule.event_pattern)) as Record<string, unknown>,
    ]),
  );
  return { definition: JSON.parse(resolved) as AnyDefinition, raw, rulePatterns };
}
