import { StackDocument, constructPath } from "../../terraform/stack-document";
import { Value } from "./terraform/expression";

/** Resource types the local runtime runs, and what runs them. */
const RUNS: Readonly<Record<string, string>> = {
  aws_dynamodb_table:
    "dynalite table with the synthesized keys; TTL swept by the runtime; stream_enabled: writes captured as stream records",
  aws_pipes_pipe:
    "from its table's stream to its bus: filter criteria, input template, batch size, retries, record age, dead-letter queue",
  aws_cloudwatch_event_bus: "local bus, reachable through a local PutEvents endpoint",
  aws_cloudwatch_event_rule: "rule on the local bus, matching its event_pattern",
  aws_cloudwatch_event_target: "delivery with the retry policy and dead-letter queue",
  aws_cloudwatch_event_archive: "keeps the events its pattern matches, for --replay (in memory, for the run)",
  aws_lambda_function: "the synthesized bundle in a worker thread, with its environment",
  aws_lambda_function_event_invoke_config: "asynchronous retries and on-failure destination",
  aws_lambda_permission: "enforced (--iam): a statement of the function's resource-based policy",
  aws_iam_role: "enforced (--iam): its trust policy and its policies authorize every call made as the role",
  aws_iam_role_policy: "enforced (--iam): an identity-based policy of its role",
  aws_iam_policy: "enforced (--iam): an identity-based policy of the roles it is attached to",
  aws_iam_role_policy_attachment: "enforced (--iam): attaches a policy of the stack to its role",
  aws_sqs_queue_policy: "enforced (--iam): the queue's resource-based policy",
  aws_cloudwatch_event_bus_policy: "enforced (--iam): the bus's resource-based policy",
  aws_sfn_state_machine: "the synthesized definition, run by aws-local-stepfunctions",
  aws_sqs_queue: "in-memory queue that keeps dead letters",
};

/** Resource types the local runtime does not run, and what that means for a run. */
const DOES_NOT_RUN: Readonly<Record<string, string>> = {
  aws_cloudwatch_log_group: "function output is kept by the runtime (--logs), not in log groups",
  aws_cloudwatch_metric_alarm: "no metrics, no alarms",
  aws_cloudwatch_dashboard: "no dashboard",
  aws_sns_topic: "nothing is published to SNS",
  aws_sns_topic_subscription: "nothing is published to SNS",
  aws_appautoscaling_target: "no capacity limits, so nothing to scale",
  aws_appautoscaling_policy: "no capacity limits, so nothing to scale",
  aws_s3_bucket: "no S3",
};

/** Data sources the runtime reads. */
const DATA_RUNS: Readonly<Record<string, string>> = {
  archive_file: "source_dir is loaded as the function's code (no zip is built)",
};

export interface InventoryEntry {
  /** `aws_sqs_queue.<name>` or `data.archive_file.<name>`. */
  readonly address: string;
  readonly type: string;
  /** The construct path, e.g. `orders-dev/orders-table/table`. */
  readonly path: string;
  readonly runs: boolean;
  readonly how: string;
}

/**
 * Every resource and data source of the stack, each with how the runtime treats it: run, enforced,
 * or not run (and why). Resources whose `count` evaluates to 0 do not exist, as with Terraform.
 */
export function stackInventory(document: StackDocument, resolve: (value: unknown) => Value): InventoryEntry[] {
  const entries: InventoryEntry[] = [];
  for (const [type, resources] of Object.entries(document.resource ?? {})) {
    for (const [name, config] of Object.entries(resources)) {
      const address = `${type}.${name}`;
      const path = constructPath(config) ?? address;
      if ("count" in config) {
        const count = safely(() => resolve(config.count));
        if (count === 0) {
          entries.push({ address, type, path, runs: false, how: "count = 0: not created in this configuration" });
          continue;
        }
      }
      if ("for_each" in config) {
        entries.push({
          address,
          type,
          path,
          runs: false,
          how: "for_each resources are not supported by the local runtime",
        });
        continue;
      }
      const runs = RUNS[type];
      entries.push({
        address,
        type,
        path,
        runs: runs !== undefined,
        how: runs ?? DOES_NOT_RUN[type] ?? "not emulated by the local runtime",
      });
    }
  }
  for (const [type, sources] of Object.entries(document.data ?? {})) {
    for (const [name, config] of Object.entries(sources)) {
      const address = `data.${type}.${name}`;
      const runs = DATA_RUNS[type];
      entries.push({
        address,
        type,
        path: constructPath(config) ?? address,
        runs: runs !== undefined,
        how: runs ?? "data source not read by the local runtime",
      });
    }
  }
  return entries.sort((a, b) => (a.runs === b.runs ? a.address.localeCompare(b.address) : a.runs ? -1 : 1));
}

function safely(fn: () => Value): Value | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** The start-up report: what runs, grouped by type, then what does not and why. */
export function formatInventory(entries: readonly InventoryEntry[]): string[] {
  const lines: string[] = [];
  const group = (runs: boolean) => {
    const byType = new Map<string, InventoryEntry[]>();
    for (const e of entries.filter((x) => x.runs === runs)) byType.set(e.type, [...(byType.get(e.type) ?? []), e]);
    return byType;
  };
  lines.push("Runs locally:");
  for (const [type, list] of group(true))
    lines.push(`  ${String(list.length).padStart(2)} ${type.padEnd(40)} ${list[0]?.how}`);
  const notRun = group(false);
  if (notRun.size > 0) {
    lines.push("Not run locally:");
    for (const [type, list] of notRun) {
      const reasons = [...new Set(list.map((e) => e.how))];
      lines.push(`  ${String(list.length).padStart(2)} ${type.padEnd(40)} ${reasons.join("; ")}`);
    }
  }
  return lines;
}
