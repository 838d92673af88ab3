import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Construct } from "constructs";
import { EventPattern } from "../contracts/event-routing";
import { allow } from "../iam/policy-document";
import { DeadLetterQueue } from "./dead-letter-queue";
import { OrderEventBus } from "./event-bus";
import { ServiceRole } from "./service-role";

/** Where a route delivers: a state machine (started through a role) or a function (invoked through a permission). */
type RouteTarget =
  | { readonly kind: "state-machine"; readonly arn: string }
  | { readonly kind: "function"; readonly arn: string; readonly functionName: string };

export interface EventRouteProps {
  readonly bus: OrderEventBus;
  /** The account the stack deploys to (a token taken from a resource's ARN will do). */
  readonly accountId: string;
  /** The rule's name. */
  readonly ruleName: string;
  /** One-line purpose. */
  readonly description: string;
  /** The event pattern, from `src/contracts/events.ts`. */
  readonly pattern: EventPattern;
  readonly target: RouteTarget;
  /** Delivery attempts before the event goes to the dead-letter queue, 0-185. Default: 8. */
  readonly maxRetryAttempts?: number;
  /** How long EventBridge keeps retrying, 60-86400 seconds. Default: 3600. */
  readonly maxEventAgeSeconds?: number;
}

/**
 * A rule on the bus and its one target, with a retry policy and an encrypted dead-letter queue that
 * admits only this rule. A state machine target gets its own role, which EventBridge may assume only for
 * this rule of this account and which may start that state machine only; a function target gets a
 * permission scoped to the rule and the account.
 */
export class EventRoute extends Construct {
  readonly rule: CloudwatchEventRule;
  readonly target: CloudwatchEventTarget;
  readonly deadLetterQueue: DeadLetterQueue;
  /** The role EventBridge uses, for state machine targets. */
  readonly role?: ServiceRole;

  constructor(scope: Construct, id: string, props: EventRouteProps) {
    super(scope, id);
    const retries = props.maxRetryAttempts ?? 8;
    const maxAge = props.maxEventAgeSeconds ?? 3600;
    if (!Number.isInteger(retries) || retries < 0 || retries > 185) {
      throw new Error(`EventRoute "${id}": maxRetryAttempts must be a whole number from 0 to 185, got ${retries}.`);
    }
    if (!Number.isInteger(maxAge) || maxAge < 60 || maxAge > 86400) {
      throw new Error(`EventRoute "${id}": maxEventAgeSeconds must be a whole number from 60 to 86400, got ${maxAge}.`);
    }
    if (props.pattern.source.length === 0 || props.pattern["detail-type"].length === 0) {
      throw new Error(`EventRoute "${id}": pattern must name at least one source and one detail-type.`);
    }

    this.rule = new CloudwatchEventRule(this, "rule", {
      name: props.ruleName,
      description: props.description,
      eventBusName: props.bus.name,
      eventPattern: JSON.stringify(props.pattern),
    });
    this.deadLetterQueue = new DeadLetterQueue(this, "dlq", {
      queueName: `${props.ruleName}-dlq`,
      allowedRuleArn: this.rule.arn,
    });

    if (props.target.kind === "state-machine") {
      this.role = new ServiceRole(this, "role", {
        roleName: `${props.ruleName}-events`,
        servicePrincipal: "events.amazonaws.com",
        description: `Lets the ${props.ruleName} rule start its state machine`,
        trustedSource: { account: props.accountId, arn: this.rule.arn },
        statements: [allow("StartOneStateMachine", ["states:StartExecution"], [props.target.arn])],
      });
    } else {
      new LambdaPermission(this, "permission", {
        statementId: "AllowInvokeFromRule",
        action: "lambda:InvokeFunction",
        functionName: props.target.functionName,
        principal: "events.amazonaws.com",
        sourceArn: this.rule.arn,
        sourceAccount: props.accountId,
      });
    }

    this.target = new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      eventBusName: props.bus.name,
      targetId: props.target.kind === "state-machine" ? "start-workflow" : "invoke-function",
      arn: props.target.arn,
      roleArn: this.role?.arn,
      retryPolicy: { maximumRetryAttempts: retries, maximumEventAgeInSeconds: maxAge },
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
    });
  }
}
