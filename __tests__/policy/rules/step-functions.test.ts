import { sfnBusinessErrorsNotRetried } from "../../../src/policy/rules/sfn-business-errors-not-retried";
import { sfnFailurePathsEndInFail } from "../../../src/policy/rules/sfn-failure-paths-end-in-fail";
import { sfnFullExecutionLogging } from "../../../src/policy/rules/sfn-full-execution-logging";
import { sfnStatesAllAloneAndLast } from "../../../src/policy/rules/sfn-states-all-alone-and-last";
import { sfnTaskResultPathPreservesState } from "../../../src/policy/rules/sfn-task-result-path-preserves-state";
import {
  LAMBDA_SERVICE_ERRORS,
  sfnTaskRetriesTransientErrors,
} from "../../../src/policy/rules/sfn-task-retries-transient-errors";
import { sfnTaskTimeouts } from "../../../src/policy/rules/sfn-task-timeouts";
import { sfnXrayTracing } from "../../../src/policy/rules/sfn-xray-tracing";
import { judge, messages, stackJson } from "../support/judge";

const SM = "aws_sfn_state_machine.saga";
type States = Record<string, Record<string, unknown>>;

const lambdaRetry = [
  {
    ErrorEquals: [...LAMBDA_SERVICE_ERRORS],
    IntervalSeconds: 1,
    MaxAttempts: 5,
    BackoffRate: 2,
    JitterStrategy: "FULL",
  },
  { ErrorEquals: ["States.Timeout"], MaxAttempts: 2 },
];
const charge = {
  Type: "Task",
  Resource: "arn:aws:states:::lambda:invoke",
  Parameters: { FunctionName: "${aws_lambda_function.payment.arn}", "Payload.$": "$" },
  ResultPath: "$.payment",
  TimeoutSeconds: 30,
  Retry: lambdaRetry,
  Catch: [
    { ErrorEquals: ["PaymentDeclined"], Next: "MarkFailed", ResultPath: "$.error" },
    { ErrorEquals: ["States.ALL"], Next: "Refund", ResultPath: "$.error" },
  ],
  Next: "Done",
};
const markFailed = {
  Type: "Task",
  Resource: "arn:aws:states:::dynamodb:updateItem",
  Parameters: { TableName: "${aws_dynamodb_table.orders.name}" },
  ResultPath: null,
  TimeoutSeconds: 10,
  Retry: [{ ErrorEquals: ["DynamoDB.ThrottlingException", "States.Timeout"], MaxAttempts: 5 }],
  Next: "Failed",
};

/** A small saga shaped like the order workflow: charge, compensate on failure, end in Fail. */
function saga(changes: States = {}): States {
  return {
    Charge: charge,
    Refund: { ...charge, Catch: undefined, ResultPath: "$.refund", Next: "MarkFailed" },
    MarkFailed: markFailed,
    Done: { Type: "Succeed" },
    Failed: { Type: "Fail", ErrorPath: "$.error.Error" },
    ...changes,
  };
}

function stack(
  states: States | string,
  machine: Record<string, unknown> = {},
  variables: Record<string, unknown> = { xray_tracing_enabled: true },
) {
  const definition = typeof states === "string" ? states : JSON.stringify({ StartAt: "Charge", States: states });
  return stackJson(
    {
      aws_sfn_state_machine: {
        saga: {
          definition,
          logging_configuration: {
            level: "ALL",
            include_execution_data: true,
            log_destination: "${aws_cloudwatch_log_group.sfn.arn}:*",
          },
          tracing_configuration: { enabled: "${var.xray_tracing_enabled}" },
          ...machine,
        },
      },
      aws_cloudwatch_log_group: {
        sfn: { name: "/aws/vendedlogs/states/${var.project_name}-dev-order-saga", retention_in_days: 7 },
      },
    },
    { variables },
  );
}

const DEFINITION_RULES = [
  sfnTaskTimeouts,
  sfnTaskRetriesTransientErrors,
  sfnBusinessErrorsNotRetried,
  sfnStatesAllAloneAndLast,
  sfnFailurePathsEndInFail,
  sfnTaskResultPathPreservesState,
];

describe("the state machine definition rules", () => {
  it("all accept a saga with timeouts, retries, compensation ending in Fail and its own ResultPaths", () => {
    expect(DEFINITION_RULES.map((rule) => [rule.id, judge(rule, stack(saga()), SM).status])).toEqual(
      DEFINITION_RULES.map((rule) => [rule.id, "compliant"]),
    );
  });

  // An Express machine runs the same definition (at least once, 5 minutes at most:
  // https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html); it is judged the same.
  it("all judge an Express machine as they judge a Standard one, the type set by the workflow_type variable", () => {
    const express = stack(
      saga(),
      { type: "${var.workflow_type}" },
      { xray_tracing_enabled: true, workflow_type: "EXPRESS" },
    );
    const rules = [...DEFINITION_RULES, sfnFullExecutionLogging, sfnXrayTracing];
    expect(rules.map((rule) => [rule.id, judge(rule, express, SM).status])).toEqual(
      rules.map((rule) => [rule.id, "compliant"]),
    );
    const brokenExpress = stack(saga({ Charge: { ...charge, TimeoutSeconds: undefined } }), {
      type: "EXPRESS",
      logging_configuration: undefined,
    });
    expect(messages(judge(sfnTaskTimeouts, brokenExpress, SM))).toEqual(["Task Charge has no TimeoutSeconds"]);
    // Express keeps no execution history: without a log its executions cannot be seen at all.
    expect(messages(judge(sfnFullExecutionLogging, brokenExpress, SM))).toEqual(["has no logging_configuration"]);
  });

  it("all fail a definition they cannot read", () => {
    const unreadable = stack('${templatefile("saga.json", {})}');
    for (const rule of DEFINITION_RULES) {
      expect(messages(judge(rule, unreadable, SM))[0]).toMatch(
        /^definition is not a JSON document the policy check can read/,
      );
    }
  });
});

describe("sfn-task-timeouts", () => {
  it("names every Task without TimeoutSeconds, in nested branches too", () => {
    const parallel = {
      Type: "Parallel",
      Branches: [
        { StartAt: "Inner", States: { Inner: { ...charge, TimeoutSeconds: undefined, Catch: undefined, End: true } } },
      ],
      Next: "Done",
    };
    const states = saga({ Charge: { ...charge, TimeoutSeconds: undefined, Next: "Fanout" }, Fanout: parallel });
    expect(messages(judge(sfnTaskTimeouts, stack(states), SM))).toEqual([
      "Task Charge has no TimeoutSeconds",
      "Task Fanout/branch 0/Inner has no TimeoutSeconds",
    ]);
  });
});

describe("sfn-task-retries-transient-errors", () => {
  it("names the Lambda service errors a Lambda task does not retry", () => {
    const partial = {
      ...charge,
      Retry: [{ ErrorEquals: ["Lambda.ServiceException", "Lambda.AWSLambdaException"], MaxAttempts: 3 }],
    };
    expect(messages(judge(sfnTaskRetriesTransientErrors, stack(saga({ Charge: partial })), SM))).toEqual([
      "Lambda task Charge does not retry Lambda.SdkClientException, Lambda.TooManyRequestsException",
    ]);
  });

  it("accepts States.TaskFailed as covering the Lambda errors, and fails a retrier with MaxAttempts 0", () => {
    const broad = {
      ...charge,
      Retry: [
        { ErrorEquals: ["PaymentDeclined"], MaxAttempts: 0 },
        { ErrorEquals: ["States.TaskFailed"], MaxAttempts: 3 },
      ],
    };
    expect(judge(sfnTaskRetriesTransientErrors, stack(saga({ Charge: broad })), SM).status).toBe("compliant");
    const never = { ...charge, Retry: [{ ErrorEquals: [...LAMBDA_SERVICE_ERRORS], MaxAttempts: 0 }] };
    expect(judge(sfnTaskRetriesTransientErrors, stack(saga({ Charge: never })), SM).status).toBe("non-compliant");
  });

  it("fails a service-integration task with no retrier", () => {
    expect(
      messages(
        judge(sfnTaskRetriesTransientErrors, stack(saga({ MarkFailed: { ...markFailed, Retry: undefined } })), SM),
      ),
    ).toEqual(["Task MarkFailed retries no transient error"]);
  });
});

describe("sfn-business-errors-not-retried", () => {
  it("fails a retrier that names a business error", () => {
    const retried = { ...charge, Retry: [...lambdaRetry, { ErrorEquals: ["PaymentDeclined"], MaxAttempts: 2 }] };
    expect(messages(judge(sfnBusinessErrorsNotRetried, stack(saga({ Charge: retried })), SM))).toEqual([
      'Charge retries PaymentDeclined (Retry[2] on ["PaymentDeclined"])',
    ]);
  });

  it("fails a States.ALL retrier that reaches the business errors, unless an earlier one stops them", () => {
    const catchAll = { ...charge, Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 3 }] };
    expect(messages(judge(sfnBusinessErrorsNotRetried, stack(saga({ Charge: catchAll })), SM))).toEqual([
      'Charge retries PaymentDeclined (Retry[0] on ["States.ALL"])',
      'Charge retries OutOfStock (Retry[0] on ["States.ALL"])',
    ]);
    const guarded = {
      ...charge,
      Retry: [
        { ErrorEquals: ["PaymentDeclined", "OutOfStock"], MaxAttempts: 0 },
        { ErrorEquals: ["States.ALL"], MaxAttempts: 3 },
      ],
    };
    expect(judge(sfnBusinessErrorsNotRetried, stack(saga({ Charge: guarded })), SM).status).toBe("compliant");
  });
});

describe("sfn-states-all-alone-and-last", () => {
  it("fails States.ALL before another entry, or combined with other errors", () => {
    const early = {
      ...charge,
      Catch: [
        { ErrorEquals: ["States.ALL"], Next: "Refund" },
        { ErrorEquals: ["PaymentDeclined"], Next: "MarkFailed" },
      ],
    };
    const mixed = { ...charge, Retry: [{ ErrorEquals: ["Lambda.ServiceException", "States.ALL"], MaxAttempts: 1 }] };
    expect(messages(judge(sfnStatesAllAloneAndLast, stack(saga({ Charge: early })), SM))).toEqual([
      "Charge Catch[0] on States.ALL is not the last entry",
    ]);
    expect(messages(judge(sfnStatesAllAloneAndLast, stack(saga({ Charge: mixed })), SM))).toEqual([
      "Charge Retry[0] combines States.ALL with other errors",
    ]);
  });
});

describe("sfn-failure-paths-end-in-fail", () => {
  it("fails a Catch that leads to Succeed, directly or through a Choice", () => {
    const swallowed = saga({
      MarkFailed: { ...markFailed, Next: "Check" },
      Check: {
        Type: "Choice",
        Choices: [{ Variable: "$.retry", BooleanEquals: true, Next: "Done" }],
        Default: "Failed",
      },
    });
    expect(messages(judge(sfnFailurePathsEndInFail, stack(swallowed), SM))).toEqual([
      'Charge Catch[0] on ["PaymentDeclined"] can end in Succeed state Done',
      'Charge Catch[1] on ["States.ALL"] can end in Succeed state Done',
    ]);
  });

  it("fails a Catch that leads to a state with End: true, or to a missing state", () => {
    const ends = saga({ MarkFailed: { ...markFailed, Next: undefined, End: true } });
    expect(messages(judge(sfnFailurePathsEndInFail, stack(ends), SM))).toContain(
      'Charge Catch[0] on ["PaymentDeclined"] can end at MarkFailed (End: true)',
    );
    const dangling = saga({ Charge: { ...charge, Catch: [{ ErrorEquals: ["States.ALL"], Next: "Nowhere" }] } });
    expect(messages(judge(sfnFailurePathsEndInFail, stack(dangling), SM))).toEqual([
      'Charge Catch[0] on ["States.ALL"] can end at Nowhere, which is not a state of its scope',
    ]);
  });
});

describe("sfn-task-result-path-preserves-state", () => {
  it('fails a Task without ResultPath or with "$", accepts null', () => {
    const { ResultPath: _omitted, ...withoutResultPath } = charge;
    const states = saga({
      Charge: withoutResultPath,
      Refund: { ...charge, Catch: undefined, ResultPath: "$", Next: "MarkFailed" },
    });
    expect(messages(judge(sfnTaskResultPathPreservesState, stack(states), SM))).toEqual([
      "Task Charge has no ResultPath: its result replaces the whole state",
      'Task Refund has ResultPath "$": its result replaces the whole state',
    ]);
  });

  it("leaves JSONata tasks alone (they have no ResultPath)", () => {
    const { ResultPath: _omitted, ...jsonata } = charge;
    expect(
      judge(sfnTaskResultPathPreservesState, stack(saga({ Charge: { ...jsonata, QueryLanguage: "JSONata" } })), SM)
        .status,
    ).toBe("compliant");
  });
});

describe("sfn-xray-tracing", () => {
  it("accepts tracing enabled by the variable's default, fails it disabled", () => {
    expect(judge(sfnXrayTracing, stack(saga()), SM).status).toBe("compliant");
    expect(messages(judge(sfnXrayTracing, stack(saga(), {}, { xray_tracing_enabled: false }), SM))).toEqual([
      "tracing_configuration.enabled is false, not true",
    ]);
  });
});

describe("sfn-full-execution-logging", () => {
  it("accepts level ALL with execution data to a vended-logs group", () => {
    expect(judge(sfnFullExecutionLogging, stack(saga()), SM).status).toBe("compliant");
  });

  it("names each gap: level, execution data, and a group outside /aws/vendedlogs/states/", () => {
    const weak = stackJson({
      aws_sfn_state_machine: {
        saga: {
          definition: "{}",
          logging_configuration: {
            level: "ERROR",
            include_execution_data: false,
            log_destination: "${aws_cloudwatch_log_group.sfn.arn}:*",
          },
        },
      },
      aws_cloudwatch_log_group: { sfn: { name: "/orders/saga", retention_in_days: 7 } },
    });
    expect(messages(judge(sfnFullExecutionLogging, weak, SM))).toEqual([
      'logging_configuration.level is "ERROR", not "ALL"',
      "logging_configuration.include_execution_data is false, not true",
      'its log group aws_cloudwatch_log_group.sfn is named "/orders/saga", outside /aws/vendedlogs/states/',
    ]);
    expect(messages(judge(sfnFullExecutionLogging, stack(saga(), { logging_configuration: undefined }), SM))).toEqual([
      "has no logging_configuration",
    ]);
  });

  describe("in production, where execution data is customer data", () => {
    const prodMachine = (level: string, withData: boolean) =>
      stackJson(
        {
          aws_sfn_state_machine: {
            saga: {
              definition: "{}",
              logging_configuration: {
                level,
                include_execution_data: withData,
                log_destination: "${aws_cloudwatch_log_group.sfn.arn}:*",
              },
            },
          },
          aws_cloudwatch_log_group: { sfn: { name: "/aws/vendedlogs/states/saga", retention_in_days: 90 } },
        },
        { environmentTag: "prod" },
      );
    const verdict = (level: string, withData: boolean) =>
      judge(sfnFullExecutionLogging, prodMachine(level, withData), SM, "orders-prod");

    it("accepts ALL without execution data, and ERROR with or without it", () => {
      expect(verdict("ALL", false).status).toBe("compliant");
      expect(verdict("ERROR", true).status).toBe("compliant");
      expect(verdict("ERROR", false).status).toBe("compliant");
    });

    it("fails ALL with execution data, and levels below ERROR", () => {
      expect(messages(verdict("ALL", true))).toEqual([
        'logging_configuration.include_execution_data is true at level "ALL" in production: every order\'s customer, items and amounts would be logged',
      ]);
      expect(messages(verdict("FATAL", false))).toEqual([
        'logging_configuration.level is "FATAL", not "ALL" (or "ERROR" in production)',
      ]);
      expect(messages(verdict("OFF", false))).toEqual([
        'logging_configuration.level is "OFF", not "ALL" (or "ERROR" in production)',
      ]);
    });
  });
});
