import { parsePolicy } from "../iam-document";
import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

export const iamTrustOneServicePrincipal: ResourceRule = {
  id: "iam-trust-one-service-principal",
  scope: "resource",
  title: "Each role is trusted by exactly one AWS service principal",
  explanation:
    'A role shared by several services (or trusted by accounts, or by "*") gives each of them everything the role may do; one role per service keeps each grant to what that service does, as the design requires.',
  fix: "Give each service its own role whose trust policy names only that service (serviceTrustPolicy in src/iam/policy-document.ts).",
  mirrors: ["CKV_AWS_60"],
  resourceTypes: ["aws_iam_role"],
  check(role, stack) {
    const trust = parsePolicy(stack, role.config.assume_role_policy);
    if (!trust.ok) return nonCompliant(`assume_role_policy ${trust.error}`);
    const principals = trust.statements.filter((s) => s.effect === "Allow").flatMap((s) => s.principals);
    const names = principals.map((p) => (p.kind === "*" ? '"*"' : `${p.kind} ${p.value}`));
    if (principals.length !== 1)
      return nonCompliant(`is trusted by ${principals.length} principals (${names.join(", ") || "none"}), not one`);
    const [only] = principals;
    return only?.kind === "Service" && /^[a-z0-9.-]+\.amazonaws\.com$/.test(only.value)
      ? COMPLIANT
      : nonCompliant(`is trusted by ${names[0]}, not an AWS service principal`);
  },
};
