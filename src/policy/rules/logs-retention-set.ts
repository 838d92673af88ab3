import { describe } from "../terraform-values";
import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

export const logsRetentionSet: ResourceRule = {
  id: "logs-retention-set",
  scope: "resource",
  title: "Log groups expire their events (retention_in_days set, not 0)",
  explanation:
    "A log group without retention (or with 0) keeps every event forever: the cost grows without bound and logs holding order data outlive any reason to keep them.",
  fix: "Set retention_in_days (the log_retention_days variable: 7 in dev, 30 in staging, 90 in prod).",
  mirrors: ["CKV_AWS_66"],
  resourceTypes: ["aws_cloudwatch_log_group"],
  check(group, stack) {
    const retention = stack.resolve(group.config.retention_in_days);
    return typeof retention === "number" && retention > 0
      ? COMPLIANT
      : nonCompliant(`retention_in_days is ${describe(retention)}: events never expire`);
  },
};
