import { AwsServiceError, type AwsSession } from "./aws-session";
import { RedriveUsageError } from "./options";

/** What became of one unsuccessful execution. */
export interface ExecutionOutcome {
  readonly executionArn: string;
  readonly status: string;
  readonly result: "redriven" | "would redrive" | "refused";
  /** For `refused`: what RedriveExecution answered. */
  readonly reason?: string;
  /** The redrive count before this one. */
  readonly redriveCount: number;
}

interface ExecutionListItem {
  readonly executionArn: string;
  readonly status: string;
  readonly stopDate?: number;
  readonly redriveCount?: number;
}

/** The statuses RedriveExecution continues, and how far back (API_RedriveExecution.html). */
const UNSUCCESSFUL = ["FAILED", "TIMED_OUT", "ABORTED"] as const;
const REDRIVABLE_SECONDS = 14 * 24 * 3600;

/**
 * Redrives the unsuccessful executions of a Standard state machine that stopped in the last 14 days:
 * each continues from the state it stopped in, with that state's input, under the same execution ARN
 * (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html). An Express machine is
 * refused: RedriveExecution is not supported for Express workflows. One refusal (ExecutionNotRedrivable)
 * is reported and the others go on.
 */
export async function redriveExecutions(
  aws: AwsSession,
  options: { readonly stateMachine: string; readonly dryRun: boolean; readonly max: number },
  report: (outcome: ExecutionOutcome) => void,
  now: () => number = Date.now,
): Promise<ExecutionOutcome[]> {
  const arn = await stateMachineArnOf(aws, options.stateMachine);
  const { type } = await aws.stepFunctions<{ type: string }>("DescribeStateMachine", { stateMachineArn: arn });
  if (type !== "STANDARD")
    throw new RedriveUsageError(
      `state machine ${options.stateMachine} is ${type}: RedriveExecution is for Standard workflows only (an Express execution is started again from its input)`,
    );
  const candidates: ExecutionListItem[] = [];
  for (const status of UNSUCCESSFUL) {
    let nextToken: string | undefined;
    do {
      const page = await aws.stepFunctions<{ executions: ExecutionListItem[]; nextToken?: string }>("ListExecutions", {
        stateMachineArn: arn,
        statusFilter: status,
        maxResults: 100,
        ...(nextToken ? { nextToken } : {}),
      });
      candidates.push(
        ...page.executions.filter((e) => e.stopDate === undefined || now() / 1000 - e.stopDate <= REDRIVABLE_SECONDS),
      );
      nextToken = page.nextToken;
    } while (nextToken && candidates.length < options.max);
  }
  const outcomes: ExecutionOutcome[] = [];
  for (const e of candidates.slice(0, options.max)) {
    const base = { executionArn: e.executionArn, status: e.status, redriveCount: e.redriveCount ?? 0 };
    let outcome: ExecutionOutcome;
    if (options.dryRun) outcome = { ...base, result: "would redrive" };
    else {
      try {
        await aws.stepFunctions("RedriveExecution", { executionArn: e.executionArn });
        outcome = { ...base, result: "redriven" };
      } catch (error) {
        if (!(error instanceof AwsServiceError) || error.status >= 500) throw error;
        outcome = { ...base, result: "refused", reason: `${error.name}: ${error.message}` };
      }
    }
    outcomes.push(outcome);
    report(outcome);
  }
  return outcomes;
}

async function stateMachineArnOf(aws: AwsSession, ref: string): Promise<string> {
  if (ref.startsWith("arn:")) {
    try {
      await aws.stepFunctions("DescribeStateMachine", { stateMachineArn: ref });
      return ref;
    } catch (error) {
      if (error instanceof AwsServiceError && /StateMachineDoesNotExist|InvalidArn/.test(error.name))
        throw new RedriveUsageError(`no state machine ${ref} (${error.name})`);
      throw error;
    }
  }
  let nextToken: string | undefined;
  do {
    const page = await aws.stepFunctions<{
      stateMachines: { name: string; stateMachineArn: string }[];
      nextToken?: string;
    }>("ListStateMachines", nextToken ? { nextToken } : {});
    const found = page.stateMachines.find((sm) => sm.name === ref);
    if (found) return found.stateMachineArn;
    nextToken = page.nextToken;
  } while (nextToken);
  throw new RedriveUsageError(`no state machine named ${ref} in ${aws.region}`);
}
