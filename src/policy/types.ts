/**
 * The vocabulary of the policy check: a synthesized resource, a rule's verdict on it, and the rule
 * itself. Rules are pure predicates over the synthesized JSON (snake_case, as in cdk.tf.json).
 */
import type { StackContext } from "./stack-context";

/** One resource of a synthesized stack. */
export interface SynthesizedResource {
  /** Terraform resource type, e.g. `aws_lambda_function`. */
  readonly type: string;
  /** Logical name in the stack, e.g. `order-service_function_48E7C42D`. */
  readonly name: string;
  /** `type.name`, the resource's Terraform address. */
  readonly address: string;
  /** The construct path below the stack (`order-service/function`), when cdktf recorded it. */
  readonly constructPath?: string;
  /** The resource's arguments, snake_case, without cdktf's `//` metadata. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** One thing a rule found wrong. `subject` names the part it concerns (a state, a statement, a variable). */
export interface Problem {
  readonly message: string;
  readonly subject?: string;
}

export type Verdict =
  | { readonly status: "compliant" }
  | { readonly status: "not-applicable" }
  | { readonly status: "non-compliant"; readonly problems: readonly Problem[] };

export const COMPLIANT: Verdict = { status: "compliant" };
export const NOT_APPLICABLE: Verdict = { status: "not-applicable" };

/** A non-compliant verdict with one problem. */
export function nonCompliant(message: string, subject?: string): Verdict {
  return { status: "non-compliant", problems: [{ message, subject }] };
}

/** Compliant when nothing was found, non-compliant with every problem otherwise. */
export function verdictOf(problems: readonly Problem[]): Verdict {
  return problems.length === 0 ? COMPLIANT : { status: "non-compliant", problems };
}

/** What every rule tells its users. */
interface RuleDescription {
  /** Stable id, used in reports and suppressions, e.g. `lambda-active-tracing`. */
  readonly id: string;
  /** What it checks, in one line. */
  readonly title: string;
  /** Why it matters. */
  readonly explanation: string;
  /** How to make a resource compliant. */
  readonly fix: string;
  /** The scanner rules it stands for (checkov, trivy, cdk-nag, serverless-rules); empty when none does. */
  readonly mirrors: readonly string[];
}

/** A rule judging each resource of the given types. */
export interface ResourceRule extends RuleDescription {
  readonly scope: "resource";
  readonly resourceTypes: readonly string[];
  check(resource: SynthesizedResource, stack: StackContext): Verdict;
}

/** A rule judging a stack-wide setting, reported at `address` (e.g. `terraform.backend`). */
export interface StackRule extends RuleDescription {
  readonly scope: "stack";
  readonly address: string;
  check(stack: StackContext): Verdict;
}

export type PolicyRule = ResourceRule | StackRule;
