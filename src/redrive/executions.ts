import {
  DescribeStateMachineCommand,
  InvalidArn,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SFNServiceException,
  StateMachineDoesNotExist,
  type ExecutionListItem,
} from "@aws-sdk/client-sfn";
import { RedriveUsageError } from "./options";
import type { AwsSession } from "./aws-session";

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
  const { type } = await aws.stepFunctions.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
  if (type !== "STANDARD")
    throw new RedriveUsageError(
      `state machine ${options.stateMachine} is ${type}: RedriveExecution is for Standard workflows only (an Express execution is started again from its input)`,
    );
  const candidates: ExecutionListItem[] = [];
  for (const status of UNSUCCESSFUL) {
    let nextToken: string | undefined;
    do {
      const page = await aws.stepFunctions.send(
        new ListExecutionsCommand({
          stateMachineArn: arn,
          statusFilter: status,
          maxResults: 100,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      candidates.push(
        ...(page.executions ?? []).filter(
          (e) => e.stopDate === undefined || (now() - e.stopDate.getTime()) / 1000 <= REDRIVABLE_SECONDS,
        ),
      );
      nextToken = page.nextToken;
    } while (nextToken && candidates.length < options.max);
  }
  const outcomes: ExecutionOutcome[] = [];
  for (const e of candidates.slice(0, options.max)) {
    const base = {
      executionArn: e.executionArn as string,
      status: e.status as string,
      redriveCount: e.redriveCount ?? 0,
    };
    let outcome: ExecutionOutcome;
    if (options.dryRun) outcome = { ...base, result: "would redrive" };
    else {
      try {
        await aws.stepFunctions.send(new RedriveExecutionCommand({ executionArn: e.executionArn }));
        outcome = { ...base, result: "redriven" };
      } catch (error) {
        // A refusal of this execution (ExecutionNotRedrivable, ExecutionLimitExceeded...) is the caller's
        // ("client") fault and the others go on; a service fault stops the run.
        if (!(error instanceof SFNServiceException) || error.$fault !== "client") throw error;
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
      await aws.stepFunctions.send(new DescribeStateMachineCommand({ stateMachineArn: ref }));
      return ref;
    } catch (error) {
      if (error instanceof StateMachineDoesNotExist || error instanceof InvalidArn)
        throw new RedriveUsageError(`no state machine ${ref} (${error.name})`);
      throw error;
    }
  }
  let nextToken: string | undefined;
  do {
    const page = await aws.stepFunctions.send(new ListStateMachinesCommand(nextToken ? { nextToken } : {}));
    const found = page.stateMachines?.find((sm) => sm.name === ref);
    if (found?.stateMachineArn) return found.stateMachineArn;
    nextToken = page.nextToken;
  } while (nextToken);
  throw new RedriveUsageError(`no state machine named ${ref} in ${aws.region}`);
}
