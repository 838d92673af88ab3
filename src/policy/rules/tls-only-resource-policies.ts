import { deniesInsecureTransport, parsePolicy } from "../iam-document";
import { COMPLIANT, NOT_APPLICABLE, ResourceRule, SynthesizedResource, nonCompliant } from "../types";
import type { StackContext } from "../stack-context";

/** Per resource type: the service prefix, and the companion resource that holds its policy and how it names it. */
const POLICY_HOLDERS: Readonly<
  Record<
    string,
    {
      readonly service: string;
      readonly companion: string;
      readonly argument: string;
      readonly attributes: readonly string[];
    }
  >
> = {
  aws_sqs_queue: {
    service: "sqs",
    companion: "aws_sqs_queue_policy",
    argument: "queue_url",
    attributes: ["url", "id"],
  },
  aws_sns_topic: { service: "sns", companion: "aws_sns_topic_policy", argument: "arn", attributes: ["arn", "id"] },
};

function policiesOf(resource: SynthesizedResource, stack: StackContext): unknown[] {
  const holder = POLICY_HOLDERS[resource.type];
  if (!holder) return [];
  const companions = stack.resources(holder.companion).filter((p) => {
    const ref = stack.referenced(p.config[holder.argument], resource.type);
    return ref !== undefined && ref.name === resource.name && holder.attributes.includes(ref.reference.attribute);
  });
  return [resource.config.policy, ...companions.map((p) => p.config.policy)].filter((p) => p !== undefined);
}

export const tlsOnlyResourcePolicies: ResourceRule = {
  id: "tls-only-resource-policies",
  scope: "resource",
  title: "Every queue and topic has a resource policy that denies requests without TLS (aws:SecureTransport false)",
  explanation:
    "SQS and SNS still answer plain HTTP: without a Deny on aws:SecureTransport = false, a misconfigured client sends or receives dead letters and alarms (order ids, customers, amounts) unencrypted on the wire.",
  fix: 'Attach a policy (aws_sqs_queue_policy / aws_sns_topic_policy) with { "Effect": "Deny", "Principal": { "AWS": "*" }, "Action": "<service>:*", "Resource": <the queue or topic arn>, "Condition": { "Bool": { "aws:SecureTransport": false } } } (denyInsecureTransport).',
  mirrors: ["AwsSolutions-SQS4", "AwsSolutions-SNS3"],
  resourceTypes: Object.keys(POLICY_HOLDERS),
  check(resource, stack) {
    const holder = POLICY_HOLDERS[resource.type];
    if (!holder) return NOT_APPLICABLE;
    const { service } = holder;
    const arn = `\${${resource.type}.${resource.name}.arn}`;
    const found = policiesOf(resource, stack).some((text) => {
      const policy = parsePolicy(stack, text);
      return (
        policy.ok &&
        policy.statements.some(
          (s) =>
            deniesInsecureTransport(s) &&
            s.principals.some((p) => p.value === "*") &&
            s.actions.some((a) => a === "*" || a.toLowerCase() === `${service}:*`) &&
            s.resources.some((r) => r === arn || r === "*"),
        )
      );
    });
    return found
      ? COMPLIANT
      : nonCompliant(
          `no policy of this ${service === "sqs" ? "queue" : "topic"} denies ${service}:* on it to "*" when aws:SecureTransport is false`,
        );
  },
};
