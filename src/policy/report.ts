/** What the policy check prints: the failure list (rule, resource, message, fix) and the short summary. */
import { suppressionLabel } from "./suppression-matching";
import type { PolicyOutcome } from "./check";

/** Where the reviewed exceptions live, for messages. */
export const SUPPRESSIONS_FILE = "src/policy/suppressions.ts";

/** The failure report: every violation with its rule, stack, resource, message and fix; then stale or invalid exceptions. */
export function formatFailure(outcome: PolicyOutcome): string {
  const lines: string[] = [];
  const count = outcome.violations.length + outcome.stale.length + outcome.invalid.length;
  lines.push(`Policy check failed with ${count} problem${count === 1 ? "" : "s"}; no stack was written.`);
  const byRuleAndResource = new Map<string, (typeof outcome.violations)[number][]>();
  for (const v of outcome.violations) {
    const key = `${v.rule.id}\u0000${v.stackName}\u0000${v.address}`;
    byRuleAndResource.set(key, [...(byRuleAndResource.get(key) ?? []), v]);
  }
  for (const [first, ...rest] of byRuleAndResource.values()) {
    if (!first) continue;
    const group = [first, ...rest];
    const where = first.constructPath ? ` (${first.constructPath})` : "";
    lines.push(`  [${first.rule.id}] ${first.stackName} ${first.address}${where}`);
    for (const v of group) lines.push(`    ${v.problem.message}`);
    lines.push(`    fix: ${first.rule.fix}`);
  }
  for (const s of outcome.stale) {
    lines.push(`  [stale-exception] ${suppressionLabel(s)}`);
    lines.push(`    matches no finding in ${outcome.stackNames.join(", ")}: the rule now passes there`);
    lines.push(
      `    fix: remove the exception from ${SUPPRESSIONS_FILE} (or correct its rule, stacks, resource or subject)`,
    );
  }
  for (const error of outcome.invalid) {
    lines.push(`  [invalid-exception] ${error}`);
    lines.push(`    fix: correct it in ${SUPPRESSIONS_FILE}`);
  }
  return lines.join("\n");
}

/** One line (two with known defects): what passed, which reviewed exceptions were applied how often, which defects remain. */
export function formatSummary(outcome: PolicyOutcome, elapsedMs?: number): string {
  const time = elapsedMs === undefined ? "" : ` in ${Math.round(elapsedMs)} ms`;
  const head = `policy: ${outcome.ruleCount} rules passed on ${outcome.stackNames.join(", ")}${time}`;
  if (outcome.excepted.length === 0) return head;
  const perRule = new Map<string, number>();
  for (const e of outcome.excepted) perRule.set(e.suppression.rule, (perRule.get(e.suppression.rule) ?? 0) + 1);
  const counts = [...perRule].map(([rule, n]) => `${rule} x${n}`).join(", ");
  const summary = `${head}; ${outcome.excepted.length} findings accepted as reviewed exceptions (${SUPPRESSIONS_FILE}): ${counts}`;
  const defects = [
    ...new Set(outcome.excepted.filter((e) => e.suppression.knownDefect).map((e) => suppressionLabel(e.suppression))),
  ];
  return defects.length === 0 ? summary : `${summary}\npolicy: known defects waiting for a fix: ${defects.join("; ")}`;
}

/** Thrown at synth when the policy fails; the message is the failure report. */
export class PolicyViolationError extends Error {
  override readonly name = "PolicyViolationError";
  constructor(readonly outcome: PolicyOutcome) {
    super(formatFailure(outcome));
  }
}
