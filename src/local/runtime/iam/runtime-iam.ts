import { randomUUID } from "node:crypto";
import { functionAccessKeyId } from "../lambda/environment";
import { AwsServiceError } from "../service-error";
import { Authorizer, randomSessionName } from "./authorizer";
import { parsePolicy } from "./policy";
import {
  dynamoDbPermissions,
  dynamoDbTableRefs,
  putEventsPermission,
  RequiredPermission,
  sourceContext,
} from "./service-calls";
import type { DynamoDbGuard } from "../dynamodb/dynalite-server";
import type { EventsCaller, PutEventsAuthorizer, RuleSpec, TargetSpec } from "../eventbridge/bus";
import type { DeclaredFunction, DeclaredPipe, DeclaredStateMachine, StackModel } from "../stack-model";
import type { TaskBackends } from "../stepfunctions/task-bindings";
import type { Principal } from "./evaluate";

const SERVICE = {
  lambda: "lambda.amazonaws.com",
  states: "states.amazonaws.com",
  events: "events.amazonaws.com",
  pipes: "pipes.amazonaws.com",
} as const;

/** What a pipe's role must be allowed on a DynamoDB stream source (EventBridge Pipes user guide, "DynamoDB stream as a source"). */
const STREAM_READ_ACTIONS = [
  "dynamodb:DescribeStream",
  "dynamodb:GetRecords",
  "dynamodb:GetShardIterator",
  "dynamodb:ListStreams",
] as const;

/**
 * IAM at each place the runtime serves an AWS call: who the caller is (a function by its access key,
 * a state machine by its role, EventBridge as a service), what the call needs (service-calls.ts),
 * and the error the service answers when the authorizer refuses.
 */
export class RuntimeIam {
  private readonly functionsByKey = new Map<string, DeclaredFunction>();
  /** Sessions of operators' roles (`operatorSession`), by the access key id their calls are signed with. */
  private readonly operatorsByKey = new Map<string, Principal>();
  private readonly functionPrincipals = new Map<string, Principal>();
  /** One session per role EventBridge assumes (AWS names each session at random; one name keeps decisions cached). */
  private readonly eventsSessions = new Map<string, Principal>();
  private readonly account: { readonly accountId: string; readonly region: string };

  constructor(
    readonly authorizer: Authorizer,
    private readonly model: StackModel,
  ) {
    this.account = { accountId: authorizer.options.accountId, region: authorizer.options.region };
    for (const fn of model.functions) {
      this.functionsByKey.set(functionAccessKeyId(fn.name), fn);
      // Lambda names its role session after the function.
      this.functionPrincipals.set(fn.name, authorizer.session(fn.roleArn, fn.name));
    }
  }

  /**
   * What the stack could not deploy as it stands: a function's role that Lambda may not assume, a
   * state machine's role that Step Functions may not assume (CreateFunction and CreateStateMachine
   * refuse them).
   */
  deploymentProblems(): string[] {
    const problems: string[] = [];
    for (const fn of this.model.functions) {
      const denial = this.authorizer.authorize(
        { kind: "service", service: SERVICE.lambda },
        "sts:AssumeRole",
        fn.roleArn,
      );
      if (denial)
        problems.push(
          `${fn.address}: the role defined for the function cannot be assumed by Lambda (${denial.message})`,
        );
    }
    for (const sm of this.model.stateMachines) {
      const denial = this.authorizer.authorize(
        { kind: "service", service: SERVICE.states },
        "sts:AssumeRole",
        sm.roleArn,
        sourceContext(sm.arn, this.account.accountId),
      );
      if (denial)
        problems.push(
          `${sm.address}: Neither the global service principal states.amazonaws.com, nor the regional one is authorized to assume the provided role (${denial.message})`,
        );
    }
    for (const pipe of this.model.pipes) {
      const denial = this.authorizer.authorize(
        { kind: "service", service: SERVICE.pipes },
        "sts:AssumeRole",
        pipe.roleArn,
        sourceContext(pipe.arn, this.account.accountId),
      );
      if (denial) {
        problems.push(`${pipe.address}: EventBridge Pipes cannot assume the pipe's role (${denial.message})`);
        continue;
      }
      const cannotRead = this.check(
        this.pipeSession(pipe),
        STREAM_READ_ACTIONS.map((action) => ({ action, resource: pipe.sourceArn })),
      );
      if (cannotRead) problems.push(`${pipe.address}: the pipe's role cannot read its source stream (${cannotRead})`);
    }
    return problems;
  }

  private pipeSession(pipe: DeclaredPipe): Principal {
    let session = this.eventsSessions.get(pipe.roleArn);
    if (!session)
      this.eventsSessions.set(pipe.roleArn, (session = this.authorizer.session(pipe.roleArn, randomSessionName())));
    return session;
  }

  /** A pipe's calls, as its role: PutEvents to its target (the principal) and SendMessage to its dead-letter queue. */
  pipeCalls(pipe: DeclaredPipe): { readonly principal: Principal; sendMessage(queueArn: string): string | undefined } {
    const principal = this.pipeSession(pipe);
    return {
      principal,
      sendMessage: (queueArn) => this.check(principal, [{ action: "sqs:SendMessage", resource: queueArn }]),
    };
  }

  private check(principal: Principal, permissions: readonly RequiredPermission[]): string | undefined {
    for (const p of permissions) {
      const denial = this.authorizer.authorize(principal, p.action, p.resource, p.context);
      if (denial) return denial.message;
    }
    return undefined;
  }

  /** The requests dynalite's worker sends to the main thread: the functions' DynamoDB calls, by access key. */
  dynamoDbGuard(): DynamoDbGuard {
    return {
      accessKeyIds: [...this.functionsByKey.keys()],
      authorize: (accessKeyId, operation, refs) => {
        const fn = this.functionsByKey.get(accessKeyId);
        if (!fn) return undefined;
        const message = this.check(
          this.functionPrincipals.get(fn.name) as Principal,
          dynamoDbPermissions(operation, refs, this.account),
        );
        // DynamoDB answers HTTP 400 with this body (the shape a DynamoDB AccessDeniedException has on the wire).
        return message
          ? {
              status: 400,
              body: JSON.stringify({ __type: "com.amazon.coral.service#AccessDeniedException", Message: message }),
            }
          : undefined;
      },
    };
  }

  /** PutEvents, by a function (its access key) or a state machine (its role). */
  readonly putEvents: PutEventsAuthorizer = (entry, busName, caller: EventsCaller | undefined) => {
    const principal = caller?.principal ?? (caller?.accessKeyId ? this.principalOfKey(caller.accessKeyId) : undefined);
    if (!principal) return undefined;
    const bus = this.model.buses.find((b) => b.name === busName);
    const busArn = bus?.arn ?? `arn:aws:events:${this.account.region}:${this.account.accountId}:event-bus/${busName}`;
    return this.check(principal, [putEventsPermission(entry, busArn)]);
  };

  private principalOfKey(accessKeyId: string): Principal | undefined {
    const fn = this.functionsByKey.get(accessKeyId);
    return fn ? this.functionPrincipals.get(fn.name) : this.operatorsByKey.get(accessKeyId);
  }

  /**
   * Credentials of a session of an operator's role, as `aws sts assume-role` hands them out: PutEvents
   * calls signed with them are authorized as that session, so the bus policy decides whether the operator
   * may put a source's events back (README, "Redrive"). A role the
   * stack does not define keeps its permissions outside it: it is taken to hold what the runbook gives the
   * operator, events:PutEvents on the stack's buses, and the stack's own policies judge the rest.
   */
  operatorSession(roleArn: string): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/./.test(roleArn))
      throw new Error(`operatorSession: ${roleArn} is not an IAM role ARN`);
    this.authorizer.outsideRole(roleArn, [
      parsePolicy(
        {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: this.model.buses.map((b) => b.arn) }],
        },
        `the operator role ${roleArn} (outside the stack)`,
        "identity",
      ),
    ]);
    const accessKeyId = `ASIA${randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase()}`;
    this.operatorsByKey.set(accessKeyId, this.authorizer.session(roleArn, "redrive-operator"));
    return { accessKeyId, secretAccessKey: randomUUID(), sessionToken: randomUUID() };
  }

  /** EventBridge sending a rule's failed event to the target's dead-letter queue (the queue policy decides). */
  readonly deadLetter = (rule: RuleSpec, queueArn: string): string | undefined =>
    this.check({ kind: "service", service: SERVICE.events }, [
      { action: "sqs:SendMessage", resource: queueArn, context: sourceContext(rule.arn, this.account.accountId) },
    ]);

  /** Lambda sending an asynchronous invocation's record to a destination or dead-letter queue, as the function's role. */
  functionSend(functionName: string): (queueArn: string) => string | undefined {
    const principal = this.functionPrincipals.get(functionName) as Principal;
    return (queueArn) => this.check(principal, [{ action: "sqs:SendMessage", resource: queueArn }]);
  }

  /** EventBridge invoking a function for a rule: the function's resource-based policy (aws_lambda_permission) decides. */
  invokeFromRule(rule: RuleSpec, functionArn: string): string | undefined {
    return this.check({ kind: "service", service: SERVICE.events }, [
      {
        action: "lambda:InvokeFunction",
        resource: functionArn,
        context: sourceContext(rule.arn, this.account.accountId),
      },
    ]);
  }

  /**
   * EventBridge starting an execution for a rule: it assumes the target's role (whose trust policy
   * must let events.amazonaws.com in), then calls states:StartExecution as that role.
   */
  startExecutionFromRule(rule: RuleSpec, target: TargetSpec, stateMachineArn: string): string | undefined {
    if (!target.roleArn)
      return `the target ${target.id} of rule ${rule.name} has no role_arn: EventBridge needs a role to start ${stateMachineArn}`;
    const context = sourceContext(rule.arn, this.account.accountId);
    const assumed = this.check({ kind: "service", service: SERVICE.events }, [
      { action: "sts:AssumeRole", resource: target.roleArn, context },
    ]);
    if (assumed) return assumed;
    let session = this.eventsSessions.get(target.roleArn);
    if (!session)
      this.eventsSessions.set(target.roleArn, (session = this.authorizer.session(target.roleArn, randomSessionName())));
    return this.check(session, [{ action: "states:StartExecution", resource: stateMachineArn }]);
  }

  /**
   * A state machine's Task backends, each call authorized as the machine's role, failing as the
   * integration reports it: `Lambda.AWSLambdaException` with the service's cause, DynamoDB's and
   * EventBridge's AccessDeniedException, SQS's AccessDenied.
   */
  stateMachineBackends(sm: DeclaredStateMachine, backends: TaskBackends): TaskBackends {
    const principal = this.authorizer.session(sm.roleArn, randomSessionName());
    const functionArn = (ref: string) =>
      ref.startsWith("arn:") ? ref : `arn:aws:lambda:${this.account.region}:${this.account.accountId}:function:${ref}`;
    const lambdaDenied = (ref: string) => {
      const message = this.check(principal, [{ action: "lambda:InvokeFunction", resource: functionArn(ref) }]);
      return message
        ? new AwsServiceError(
            "AWSLambdaException",
            `${message} (Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException; Request ID: ${randomUUID()}; Proxy: null)`,
            { statusCode: 403 },
          )
        : undefined;
    };
    return {
      invokeFunction: (ref, payload, caller) => {
        const denied = lambdaDenied(ref);
        return denied ? Promise.reject(denied) : backends.invokeFunction(ref, payload, caller);
      },
      invokeFunctionAsync: (ref, payload, caller) => {
        const denied = lambdaDenied(ref);
        if (denied) throw denied;
        backends.invokeFunctionAsync(ref, payload, caller);
      },
      dynamodb: (operation, request) => {
        const message = this.check(
          principal,
          dynamoDbPermissions(operation, dynamoDbTableRefs(operation, request), this.account),
        );
        return message
          ? Promise.reject(new AwsServiceError("AccessDeniedException", message, { statusCode: 400 }))
          : backends.dynamodb(operation, request);
      },
      putEvents: (entries) => backends.putEvents(entries, { principal }),
      sqsSendMessage: (queueUrl, body) => {
        const queue = this.model.queues.find((q) => q.url === queueUrl || q.arn === queueUrl);
        const message = this.check(principal, [{ action: "sqs:SendMessage", resource: queue?.arn ?? queueUrl }]);
        if (message) throw new AwsServiceError("AccessDenied", message, { statusCode: 403 });
        return backends.sqsSendMessage(queueUrl, body);
      },
    };
  }
}
