import { sourceOwnershipBusPolicy } from "../../../src/iam/bus-policy";
import { evaluate, parseTemplate } from "../../../src/local/runtime/terraform/expression";
import { backendS3KmsKey } from "../../../src/policy/rules/backend-s3-kms-key";
import { eventbridgeBusPolicyPerSource } from "../../../src/policy/rules/eventbridge-bus-policy-per-source";
import { paymentSimulatorNotInProd } from "../../../src/policy/rules/payment-simulator-not-in-prod";
import { judge, messages, outcome, stackJson } from "../support/judge";

const doc = (...statements: Record<string, unknown>[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });
const BUS = "aws_cloudwatch_event_bus.bus";
const BUS_ARN = "${aws_cloudwatch_event_bus.bus.arn}";

describe("eventbridge-bus-policy-per-source", () => {
  const reserve = (source: string, owner: string) => ({
    Sid: "Reserve",
    Effect: "Deny",
    Principal: { AWS: "*" },
    Action: ["events:PutEvents"],
    Resource: [BUS_ARN],
    Condition: { StringEquals: { "events:source": source }, ArnNotEquals: { "aws:PrincipalArn": owner } },
  });
  const publish = (source?: string) => ({
    Sid: "Publish",
    Effect: "Allow",
    Action: ["events:PutEvents"],
    Resource: [BUS_ARN],
    ...(source
      ? { Condition: { StringEquals: { "events:source": source, "events:detail-type": ["Order Created"] } } }
      : {}),
  });
  /** A bus with one rule on orders.order-service, the order role's publish grant, and the given bus policy statements. */
  const bus = (
    busPolicy: Record<string, unknown>[] | undefined,
    grant: Record<string, unknown> = publish("orders.order-service"),
    grantedTo = "order",
    variables: Record<string, unknown> = {},
  ) =>
    stackJson(
      {
        aws_cloudwatch_event_bus: { bus: { name: "orders" } },
        aws_cloudwatch_event_rule: {
          created: {
            event_bus_name: "${aws_cloudwatch_event_bus.bus.name}",
            event_pattern: JSON.stringify({ source: ["orders.order-service"], "detail-type": ["Order Created"] }),
          },
        },
        aws_iam_role: { order: { assume_role_policy: "{}" }, payment: { assume_role_policy: "{}" } },
        aws_iam_role_policy: { grant: { role: `\${aws_iam_role.${grantedTo}.id}`, policy: doc(grant) } },
        ...(busPolicy
          ? {
              aws_cloudwatch_event_bus_policy: {
                p: { event_bus_name: "${aws_cloudwatch_event_bus.bus.name}", policy: doc(...busPolicy) },
              },
            }
          : {}),
      },
      { variables },
    );

  // What makes such a policy work, from AWS: EventBridge authorizes each entry of a PutEvents call with
  // events:source and events:detail-type set from that entry (EventBridge user guide, "Using IAM policy
  // conditions in Amazon EventBridge"; aws/agent-toolkit-for-aws, amazon-eventbridge-event-bus
  // references/authorization.md: "Authorization runs per entry"), and an explicit Deny in any applicable
  // policy, resource policies included, overrides every Allow, for callers of the same account too (IAM
  // user guide, "Policy evaluation logic").
  it("accepts a bus whose policy reserves each source for the role granted to publish it", () => {
    expect(
      judge(eventbridgeBusPolicyPerSource, bus([reserve("orders.order-service", "${aws_iam_role.order.arn}")]), BUS)
        .status,
    ).toBe("compliant");
  });

  it("fails a bus without a policy, whatever the grants say: any principal allowed PutEvents may forge the source", () => {
    expect(outcome(judge(eventbridgeBusPolicyPerSource, bus(undefined), BUS))).toEqual({
      status: "non-compliant",
      messages: ['no bus policy denies source "orders.order-service" to every principal but its owner'],
    });
  });

  it("fails a grant without an events:source condition, and a grant to a role that does not own the source", () => {
    const reserved = [reserve("orders.order-service", "${aws_iam_role.order.arn}")];
    expect(messages(judge(eventbridgeBusPolicyPerSource, bus(reserved, publish()), BUS))).toEqual([
      'aws_iam_role_policy.grant statement "Publish" allows events:PutEvents on the bus without an events:source condition',
    ]);
    expect(
      messages(judge(eventbridgeBusPolicyPerSource, bus(reserved, publish("orders.order-service"), "payment"), BUS)),
    ).toEqual([
      'aws_iam_role_policy.grant statement "Publish" lets aws_iam_role.payment publish "orders.order-service", which the bus policy reserves for aws_iam_role.order',
    ]);
  });

  it("fails a reservation that exempts two principals, and one that denies the source to everyone", () => {
    const twoOwners = {
      ...reserve("orders.order-service", ""),
      Condition: {
        StringEquals: { "events:source": "orders.order-service" },
        ArnNotEquals: { "aws:PrincipalArn": ["${aws_iam_role.order.arn}", "${aws_iam_role.payment.arn}"] },
      },
    };
    expect(messages(judge(eventbridgeBusPolicyPerSource, bus([twoOwners]), BUS))).toEqual([
      'source "orders.order-service" is reserved for (2 principals), not one owner',
    ]);
    const nobody = {
      ...reserve("orders.order-service", ""),
      Condition: { StringEquals: { "events:source": "orders.order-service" } },
    };
    expect(messages(judge(eventbridgeBusPolicyPerSource, bus([nobody]), BUS))).toEqual([
      'source "orders.order-service" is reserved for (0 principals), not one owner',
    ]);
  });

  describe("the operators who redrive dead letters (var.event_redrive_principal_arns)", () => {
    // The statements exactly as the stack's builder writes them: the owner, then the variable's roles.
    const [admitting] = sourceOwnershipBusPolicy(
      BUS_ARN,
      [{ source: "orders.order-service", principalArn: "${aws_iam_role.order.arn}" }],
      { variable: "event_redrive_principal_arns" },
    ).Statement as unknown as readonly Record<string, unknown>[];
    const exemptWith = (roles: string[]) => {
      const rendered = evaluate(parseTemplate(doc(admitting!)), {
        lookup: ([root, ...steps]) =>
          root === "var" && steps[0] === "event_redrive_principal_arns"
            ? roles
            : root === "aws_iam_role"
              ? `arn:aws:iam::123456789012:role/${String(steps[0])}`
              : String(root),
      }) as string;
      return JSON.parse(rendered).Statement[0].Condition.ArnNotEquals["aws:PrincipalArn"];
    };

    it("accepts the owner plus the reviewed list, whose default is empty: by default nobody else is admitted", () => {
      const stack = bus([admitting!], undefined, undefined, { event_redrive_principal_arns: [] });
      expect(judge(eventbridgeBusPolicyPerSource, stack, BUS).status).toBe("compliant");
      // Rendered as Terraform renders the template (the local runtime's evaluator, checked against terraform):
      // the empty default exempts the owner alone; a deployment's roles are exempt besides it.
      expect(exemptWith([])).toEqual(["arn:aws:iam::123456789012:role/order"]);
      expect(exemptWith(["arn:aws:iam::123456789012:role/ops"])).toEqual([
        "arn:aws:iam::123456789012:role/order",
        "arn:aws:iam::123456789012:role/ops",
      ]);
    });

    it("fails the list when its default names a role, and a list from any other variable", () => {
      const defaulted = bus([admitting!], undefined, undefined, {
        event_redrive_principal_arns: ["arn:aws:iam::123456789012:role/ops"],
      });
      expect(messages(judge(eventbridgeBusPolicyPerSource, defaulted, BUS))).toEqual([
        'aws_cloudwatch_event_bus_policy.p statement "OnlyOwnerPublishesOrdersOrderService" admits var.event_redrive_principal_arns, whose default is ["arn:aws:iam::123456789012:role/ops"]: it must be declared with an empty default, the roles named per deployment',
      ]);
      const other = JSON.parse(JSON.stringify(admitting).replaceAll("var.event_redrive_principal_arns", "var.anyone"));
      expect(
        messages(judge(eventbridgeBusPolicyPerSource, bus([other], undefined, undefined, { anyone: [] }), BUS)),
      ).toEqual([
        'aws_cloudwatch_event_bus_policy.p statement "OnlyOwnerPublishesOrdersOrderService" also admits the principals of var.anyone, which is not the reviewed list of redrive roles (var.event_redrive_principal_arns)',
      ]);
    });
  });

  it("does not apply to a bus no rule or grant publishes to", () => {
    expect(
      judge(eventbridgeBusPolicyPerSource, stackJson({ aws_cloudwatch_event_bus: { bus: { name: "orders" } } }), BUS)
        .status,
    ).toBe("not-applicable");
  });
});

describe("backend-s3-kms-key", () => {
  const withBackend = (s3: Record<string, unknown>) =>
    stackJson({}, { backend: { s3: { bucket: "b", key: "k", encrypt: true, use_lockfile: true, ...s3 } } });

  it("accepts a customer-managed key named by alias, alias ARN, key ARN or key id", () => {
    for (const key of [
      "alias/orders-terraform-state",
      "arn:aws:kms:us-east-1:111111111111:alias/orders-terraform-state",
      "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      "1234abcd-12ab-34cd-56ef-1234567890ab",
    ]) {
      expect(judge(backendS3KmsKey, withBackend({ kms_key_id: key })).status).toBe("compliant");
    }
    expect(judge(backendS3KmsKey, stackJson({}, { backend: { local: { path: "terraform.tfstate" } } })).status).toBe(
      "not-applicable",
    );
  });

  it("fails encrypt without a key (Terraform then asks for SSE-S3), the AWS-managed aws/s3 key, and what is no key", () => {
    expect(messages(judge(backendS3KmsKey, withBackend({})))).toEqual([
      "kms_key_id is unset: state is written with SSE-S3, not SSE-KMS",
    ]);
    expect(messages(judge(backendS3KmsKey, withBackend({ kms_key_id: "alias/aws/s3" })))).toEqual([
      'kms_key_id "alias/aws/s3" is an AWS-managed key, whose policy no deployer list can narrow',
    ]);
    expect(messages(judge(backendS3KmsKey, withBackend({ kms_key_id: "orders-state" })))).toEqual([
      'kms_key_id "orders-state" is not a KMS key id, key ARN, alias or alias ARN',
    ]);
  });
});

describe("payment-simulator-not-in-prod", () => {
  const F = "aws_lambda_function.payment";
  const payment = (variables: Record<string, string>, tags?: Record<string, string>, environment = "prod") =>
    stackJson(
      {
        aws_lambda_function: {
          payment: {
            environment: { variables: { POWERTOOLS_SERVICE_NAME: "payment", ...variables } },
            ...(tags ? { tags } : {}),
          },
        },
      },
      { environmentTag: environment },
    );
  const verdict = (...args: Parameters<typeof payment>) =>
    judge(paymentSimulatorNotInProd, payment(...args), F, `orders-${args[2] ?? "prod"}`);

  it("accepts a real gateway in prod, the simulator with the recorded opt-in, and anything outside production", () => {
    expect(verdict({ PAYMENT_GATEWAY: "acme-pay" }).status).toBe("compliant");
    expect(verdict({ PAYMENT_GATEWAY: "simulator" }, { "payment-simulator-in-production": "accepted" }).status).toBe(
      "compliant",
    );
    expect(verdict({ PAYMENT_GATEWAY: "simulator" }, undefined, "dev").status).toBe("not-applicable");
  });

  it("fails the simulator in prod without the opt-in, and a Payment function that names no gateway (it falls back to the simulator)", () => {
    expect(messages(verdict({ PAYMENT_GATEWAY: "simulator" }))).toEqual([
      'charges through the simulator in production (PAYMENT_GATEWAY = "simulator") without the opt-in tag payment-simulator-in-production',
    ]);
    expect(messages(verdict({}))).toEqual(["has no PAYMENT_GATEWAY: the Payment service falls back to the simulator"]);
  });

  it("does not apply to functions that are not the Payment service", () => {
    const other = stackJson(
      { aws_lambda_function: { payment: { environment: { variables: { POWERTOOLS_SERVICE_NAME: "order" } } } } },
      { environmentTag: "prod" },
    );
    expect(judge(paymentSimulatorNotInProd, other, F, "orders-prod").status).toBe("not-applicable");
  });
});
