import { ResourceConfig, StackDocument, functionNameOf, resourcesOfType } from "../../../terraform/stack-document";
import { Policy, PolicyError, parsePolicy } from "./policy";
import type { StackModel } from "../stack-model";
import type { TerraformReferences } from "../terraform/references";

/** The policies of a synthesized stack, by whom or what they govern. */
export interface StackPolicies {
  /** Role ARN -> its identity-based policies (inline, role policies, attached customer managed policies). */
  readonly identity: ReadonlyMap<string, readonly Policy[]>;
  /** Role ARN -> its trust policy (`assume_role_policy`). */
  readonly trust: ReadonlyMap<string, Policy>;
  /** Resource ARN -> its resource-based policies (Lambda permissions, queue policies, bus policies). */
  readonly resource: ReadonlyMap<string, readonly Policy[]>;
  /** What the stack declares that is not evaluated, one line each (AWS managed policies, ...). */
  readonly unevaluated: readonly string[];
}

/**
 * Reads every policy the runtime evaluates out of the synthesized stack, references resolved:
 * `aws_iam_role` (trust policy, `inline_policy`, `managed_policy_arns`), `aws_iam_role_policy`,
 * `aws_iam_role_policy_attachment` with `aws_iam_policy`, `aws_lambda_permission` (as Lambda turns
 * each into a statement of the function's policy), `aws_sqs_queue_policy` and `aws_sqs_queue.policy`,
 * and `aws_cloudwatch_event_bus_policy`. A policy IAM would refuse is a start-up error naming it.
 */
export function readStackPolicies(
  document: StackDocument,
  refs: TerraformReferences,
  model: StackModel,
  account: { readonly accountId: string; readonly region: string },
): StackPolicies {
  const each = (type: string) =>
    resourcesOfType(document, type).filter(([, c]) => !("count" in c) || refs.resolve(c.count) !== 0);
  const str = (v: unknown, where: string) => refs.resolveString(v, where);
  const parse = (text: unknown, where: string, kind: "identity" | "resource") => {
    const resolved = typeof text === "string" ? str(text, where) : refs.resolveConcrete(text, where);
    return parsePolicy(resolved, where, kind);
  };
  const identity = new Map<string, Policy[]>();
  const trust = new Map<string, Policy>();
  const resource = new Map<string, Policy[]>();
  const unevaluated: string[] = [];
  const add = <K, V>(map: Map<K, V[]>, key: K, value: V) => map.set(key, [...(map.get(key) ?? []), value]);

  const customerPolicies = new Map<string, Policy>();
  for (const [name, c] of each("aws_iam_policy")) {
    const where = `aws_iam_policy.${name}`;
    customerPolicies.set(
      str(refs.attribute("aws_iam_policy", name, "arn"), `${where}.arn`),
      parse(c.policy, `${where}.policy`, "identity"),
    );
  }
  const attach = (roleArn: string, policyArn: string, where: string) => {
    const policy = customerPolicies.get(policyArn);
    if (policy) add(identity, roleArn, policy);
    else
      unevaluated.push(
        `${where}: ${policyArn} is not a policy of this stack (an AWS managed policy?); its permissions are not known offline and grant nothing locally`,
      );
  };

  const roleByName = new Map<string, string>();
  for (const [name, c] of each("aws_iam_role")) {
    const where = `aws_iam_role.${name}`;
    const arn = str(refs.attribute("aws_iam_role", name, "arn"), `${where}.arn`);
    roleByName.set(str(c.name, `${where}.name`), arn);
    identity.set(arn, identity.get(arn) ?? []);
    trust.set(arn, parse(c.assume_role_policy, `${where}.assume_role_policy`, "resource"));
    const inline = Array.isArray(c.inline_policy) ? c.inline_policy : c.inline_policy ? [c.inline_policy] : [];
    inline.forEach((p, i) => {
      const block = p as Record<string, unknown>;
      if (block.policy !== undefined)
        add(identity, arn, parse(block.policy, `${where}.inline_policy[${i}]`, "identity"));
    });
    const managed =
      c.managed_policy_arns === undefined
        ? []
        : (refs.resolveConcrete(c.managed_policy_arns, `${where}.managed_policy_arns`) as string[]);
    for (const p of managed ?? []) attach(arn, p, `${where}.managed_policy_arns`);
    if (c.permissions_boundary !== undefined) unevaluated.push(`${where}: its permissions boundary is not evaluated`);
  }
  const roleArnOf = (config: ResourceConfig, where: string) => {
    const role = str(config.role, `${where}.role`);
    const arn = roleByName.get(role) ?? (role.startsWith("arn:") ? role : undefined);
    if (!arn) throw new PolicyError(`${where}.role names ${role}, which is not a role of this stack`);
    return arn;
  };
  for (const [name, c] of each("aws_iam_role_policy")) {
    const where = `aws_iam_role_policy.${name}`;
    add(identity, roleArnOf(c, where), parse(c.policy, `${where}.policy`, "identity"));
  }
  for (const [name, c] of each("aws_iam_role_policy_attachment")) {
    const where = `aws_iam_role_policy_attachment.${name}`;
    attach(roleArnOf(c, where), str(c.policy_arn, `${where}.policy_arn`), where);
  }

  // Lambda writes each permission as one statement of the function's policy: the principal (a
  // service, or an account or ARN), the action, the function, and aws:SourceArn (ArnLike) and
  // aws:SourceAccount (StringEquals) conditions when given.
  for (const [name, c] of each("aws_lambda_permission")) {
    const where = `aws_lambda_permission.${name}`;
    const fnRef = str(c.function_name, `${where}.function_name`);
    const fnName = functionNameOf(fnRef);
    const fn = model.functions.find((f) => f.name === fnName);
    if (!fn) throw new PolicyError(`${where}.function_name names ${fnRef}, which is not a function of this stack`);
    const qualifier = c.qualifier === undefined ? "" : `:${str(c.qualifier, `${where}.qualifier`)}`;
    const principal = str(c.principal, `${where}.principal`);
    const condition: Record<string, Record<string, string>> = {};
    if (c.source_arn !== undefined) condition.ArnLike = { "AWS:SourceArn": str(c.source_arn, `${where}.source_arn`) };
    if (c.source_account !== undefined)
      condition.StringEquals = { "AWS:SourceAccount": str(c.source_account, `${where}.source_account`) };
    const statement = {
      Sid: c.statement_id === undefined ? name : str(c.statement_id, `${where}.statement_id`),
      Effect: "Allow",
      Principal: principal.endsWith(".amazonaws.com")
        ? { Service: principal }
        : principal === "*"
          ? "*"
          : { AWS: principal },
      Action: str(c.action, `${where}.action`),
      Resource: `${fn.arn}${qualifier}`,
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    };
    add(
      resource,
      `${fn.arn}${qualifier}`,
      parsePolicy({ Version: "2012-10-17", Statement: [statement] }, where, "resource"),
    );
  }

  for (const [name, c] of each("aws_sqs_queue")) {
    if (c.policy === undefined) continue;
    const where = `aws_sqs_queue.${name}`;
    add(
      resource,
      str(refs.attribute("aws_sqs_queue", name, "arn"), `${where}.arn`),
      parse(c.policy, `${where}.policy`, "resource"),
    );
  }
  for (const [name, c] of each("aws_sqs_queue_policy")) {
    const where = `aws_sqs_queue_policy.${name}`;
    const url = str(c.queue_url, `${where}.queue_url`);
    const queue = model.queues.find((q) => q.url === url || q.arn === url);
    if (!queue) throw new PolicyError(`${where}.queue_url ${url} is not a queue of this stack`);
    add(resource, queue.arn, parse(c.policy, `${where}.policy`, "resource"));
  }
  for (const [name, c] of each("aws_cloudwatch_event_bus_policy")) {
    const where = `aws_cloudwatch_event_bus_policy.${name}`;
    const busName = c.event_bus_name === undefined ? "default" : str(c.event_bus_name, `${where}.event_bus_name`);
    const bare = /:event-bus\/(.+)$/.exec(busName)?.[1] ?? busName;
    const arn =
      model.buses.find((b) => b.name === bare)?.arn ??
      `arn:aws:events:${account.region}:${account.accountId}:event-bus/${bare}`;
    add(resource, arn, parse(c.policy, `${where}.policy`, "resource"));
  }
  for (const [name] of each("aws_cloudwatch_event_permission"))
    unevaluated.push(
      `aws_cloudwatch_event_permission.${name}: bus permissions of this older form are not evaluated (use aws_cloudwatch_event_bus_policy)`,
    );
  return { identity, trust, resource, unevaluated };
}
