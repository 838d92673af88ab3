/**
 * Reviewed exceptions: a suppression names a rule, the stacks and resources it covers (globs with
 * `*`), optionally the subject of the problem (a state, a statement), and why the finding is accepted.
 */
import type { Finding } from "./evaluate";
import type { PolicyRule } from "./types";

export interface Suppression {
  /** The rule's id. */
  readonly rule: string;
  /** Stack names it covers, a glob. Default: every stack. */
  readonly stacks?: string;
  /** Resource addresses it covers (`aws_lambda_function.order-service_*`), a glob. */
  readonly resource: string;
  /** Only problems about this subject (a state name, a statement Sid), a glob. Default: any. */
  readonly subject?: string;
  /** Why the finding is accepted: a reviewed, specific reason. */
  readonly reason: string;
  /** A defect waiting for its fix rather than an accepted risk; every synth names it. Default: false. */
  readonly knownDefect?: boolean;
}

/** Shortest reason accepted: one honest sentence, not "n/a" or "not needed". */
const MIN_REASON_LENGTH = 40;

const globCache = new Map<string, RegExp>();
export function globMatches(glob: string, value: string): boolean {
  let regex = globCache.get(glob);
  if (!regex) {
    regex = new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    globCache.set(glob, regex);
  }
  return regex.test(value);
}

/** A suppression as it is printed: `lambda-in-vpc on orders-*:aws_lambda_function.*`. */
export const suppressionLabel = (s: Suppression): string =>
  `${s.rule} on ${s.stacks ?? "*"}:${s.resource}${s.subject ? ` (${s.subject})` : ""}`;

/** What is wrong with the suppression list itself: unknown rules, missing or too-short reasons. */
export function invalidSuppressions(suppressions: readonly Suppression[], rules: readonly PolicyRule[]): string[] {
  const ids = new Set(rules.map((r) => r.id));
  const errors: string[] = [];
  for (const s of suppressions) {
    const label = suppressionLabel(s);
    if (!ids.has(s.rule)) errors.push(`exception ${label}: no rule has the id "${s.rule}"`);
    if (!s.resource || s.resource.trim() === "")
      errors.push(`exception ${label}: resource must name the resources it covers`);
    const reason = (s.reason ?? "").trim();
    if (reason.length === 0) errors.push(`exception ${label}: has no reason; every exception says why it is accepted`);
    else if (reason.length < MIN_REASON_LENGTH) {
      errors.push(
        `exception ${label}: reason "${reason}" is too short (${reason.length} characters, at least ${MIN_REASON_LENGTH}); say why the finding is accepted`,
      );
    }
  }
  return errors;
}

function suppresses(s: Suppression, f: Finding): boolean {
  return (
    s.rule === f.rule.id &&
    globMatches(s.stacks ?? "*", f.stackName) &&
    globMatches(s.resource, f.address) &&
    (s.subject === undefined || (f.problem.subject !== undefined && globMatches(s.subject, f.problem.subject)))
  );
}

export interface Excepted {
  readonly finding: Finding;
  readonly suppression: Suppression;
}

export interface SuppressionOutcome {
  /** Findings no suppression covers. */
  readonly violations: readonly Finding[];
  readonly excepted: readonly Excepted[];
  /** Suppressions that cover no finding in the stacks they apply to: stale, to be removed. */
  readonly stale: readonly Suppression[];
}

/**
 * Splits findings into violations and accepted exceptions. A suppression is stale when at least one
 * checked stack is in its scope and it covers no finding there; a suppression for stacks that were
 * not synthesized this time cannot be judged and is left alone.
 */
export function applySuppressions(
  findings: readonly Finding[],
  suppressions: readonly Suppression[],
  checkedStacks: readonly string[],
): SuppressionOutcome {
  const used = new Set<Suppression>();
  const violations: Finding[] = [];
  const excepted: Excepted[] = [];
  for (const finding of findings) {
    const suppression = suppressions.find((s) => suppresses(s, finding));
    if (suppression) {
      used.add(suppression);
      excepted.push({ finding, suppression });
    } else {
      violations.push(finding);
    }
  }
  const stale = suppressions.filter(
    (s) => !used.has(s) && checkedStacks.some((name) => globMatches(s.stacks ?? "*", name)),
  );
  return { violations, excepted, stale };
}
