import { AwsServiceError } from "../service-error";
import type { JsonService } from "../http/json-endpoint";
import type { ExecutionRecord, ExecutionStatus, LocalStateMachine } from "./local-state-machine";

/** Timestamps travel as epoch seconds in the AWS JSON protocol. */
const seconds = (date: Date | undefined) => (date ? date.getTime() / 1000 : undefined);

const STATUSES: readonly ExecutionStatus[] = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];

/**
 * The Step Functions operations an operator's tools use on the local state machines
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/): ListStateMachines,
 * DescribeStateMachine, ListExecutions, DescribeExecution and RedriveExecution. As on AWS, the
 * execution operations serve Standard machines only: an Express machine keeps no executions
 * (ListExecutions answers StateMachineTypeNotSupported; DescribeExecution knows none of its runs).
 */
export function sfnApi(machines: ReadonlyMap<string, LocalStateMachine>): JsonService {
  const machine = (arn: unknown) => {
    const found = typeof arn === "string" ? machines.get(arn) : undefined;
    if (!found) throw new AwsServiceError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${String(arn)}'`);
    return found;
  };
  const owner = (executionArn: unknown) => {
    if (typeof executionArn !== "string" || !executionArn.startsWith("arn:"))
      throw new AwsServiceError("InvalidArn", `Invalid Arn: '${String(executionArn)}'`);
    for (const sm of machines.values()) {
      const record = sm.executions.get(executionArn);
      if (record && sm.spec.type === "STANDARD") return { sm, record };
    }
    throw new AwsServiceError("ExecutionDoesNotExist", `Execution Does Not Exist: '${executionArn}'`);
  };
  return {
    targetPrefix: "AWSStepFunctions",
    operations: {
      ListStateMachines: () => ({
        stateMachines: [...machines.values()].map((sm) => ({
          stateMachineArn: sm.spec.arn,
          name: sm.spec.name,
          type: sm.spec.type,
          creationDate: seconds(sm.createdAt),
        })),
      }),
      DescribeStateMachine: (input) => {
        const sm = machine(input.stateMachineArn);
        return {
          stateMachineArn: sm.spec.arn,
          name: sm.spec.name,
          status: "ACTIVE",
          type: sm.spec.type,
          definition: JSON.stringify(sm.spec.definition),
          roleArn: sm.spec.roleArn ?? "",
          creationDate: seconds(sm.createdAt),
        };
      },
      ListExecutions: (input) => {
        const sm = machine(input.stateMachineArn);
        if (sm.spec.type === "EXPRESS")
          throw new AwsServiceError(
            "StateMachineTypeNotSupported",
            "This operation is not supported by this type of state machine: EXPRESS",
          );
        const status = input.statusFilter as ExecutionStatus | undefined;
        if (status !== undefined && !STATUSES.includes(status))
          throw new AwsServiceError("ValidationException", `statusFilter must be one of ${STATUSES.join(", ")}`);
        const max = (input.maxResults as number | undefined) || 100;
        if (!Number.isInteger(max) || max < 0 || max > 1000)
          throw new AwsServiceError("ValidationException", "maxResults must be between 0 and 1000");
        const start = input.nextToken === undefined ? 0 : Number(input.nextToken);
        if (!Number.isInteger(start) || start < 0) throw new AwsServiceError("InvalidToken", "Invalid nextToken");
        // Newest first, as ListExecutions orders them.
        const all = [...sm.executions.values()]
          .filter((e) => status === undefined || e.status === status)
          .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
        const page = all.slice(start, start + max);
        return {
          executions: page.map((e) => ({ ...summary(e), stateMachineArn: sm.spec.arn })),
          ...(start + max < all.length ? { nextToken: String(start + max) } : {}),
        };
      },
      DescribeExecution: (input) => {
        const { sm, record } = owner(input.executionArn);
        return {
          ...summary(record),
          stateMachineArn: sm.spec.arn,
          input: JSON.stringify(record.input),
          ...(record.output !== undefined ? { output: JSON.stringify(record.output) } : {}),
          ...(record.error !== undefined ? { error: record.error } : {}),
          ...(record.cause !== undefined ? { cause: record.cause } : {}),
          redriveStatus: record.status === "RUNNING" || record.status === "SUCCEEDED" ? "NOT_REDRIVABLE" : "REDRIVABLE",
        };
      },
      RedriveExecution: (input) => {
        const { sm, record } = owner(input.executionArn);
        sm.redriveExecution(record.executionArn);
        return { redriveDate: seconds(record.redriveDate) };
      },
    },
  };
}

function summary(e: ExecutionRecord) {
  return {
    executionArn: e.executionArn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startDate),
    ...(e.stopDate ? { stopDate: seconds(e.stopDate) } : {}),
    redriveCount: e.redriveCount,
    ...(e.redriveDate ? { redriveDate: seconds(e.redriveDate) } : {}),
  };
}
