import { block, parseReference } from "../../terraform/stack-document";
import { NOT_APPLICABLE, Problem, ResourceRule, verdictOf } from "../types";

/** Variable names that say the value is a credential. */
const SECRET_NAME =
  /(SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|BASIC_?AUTH)/i;
/** Suffixes of names that point at a secret rather than hold it (an ARN, a parameter name, a key id). */
const POINTER_NAME = /(_ARN|_NAME|_ID|_PATH|_PARAM|_PARAMETER|_REF|_URI|_SSM|_SECRET_ID)$/i;
/** Values that look like credentials whatever the variable is called. */
const SECRET_VALUES: readonly [RegExp, string][] = [
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/, "an AWS access key id"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./, "a JSON Web Token"],
  [/\b(ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,}/, "a GitHub token"],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, "a Slack token"],
  [/\b(sk|rk)_live_[A-Za-z0-9]{16,}/, "a live payment API key"],
  [/[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i, "a URL with a password"],
];

export const lambdaNoSecretsInEnvironment: ResourceRule = {
  id: "lambda-no-secrets-in-environment",
  scope: "resource",
  title: "Function environment variables hold no secrets",
  explanation:
    "Environment variables are readable by anyone who can read the function's configuration (lambda:GetFunctionConfiguration), appear in the Terraform state and plan output, and are copied into every version. Credentials belong in Secrets Manager or Parameter Store, read at run time.",
  fix: "Store the secret in Secrets Manager (or SSM SecureString), pass its ARN or name in the environment (e.g. PAYMENT_API_KEY_SECRET_ARN), and grant the function read access to that one secret.",
  mirrors: ["CKV_AWS_45"],
  resourceTypes: ["aws_lambda_function"],
  check(fn) {
    const variables = block(fn.config.environment)?.variables as Readonly<Record<string, unknown>> | undefined;
    if (!variables || Object.keys(variables).length === 0) return NOT_APPLICABLE;
    const problems: Problem[] = [];
    for (const [name, raw] of Object.entries(variables)) {
      const value = typeof raw === "string" ? raw : JSON.stringify(raw);
      const pattern = SECRET_VALUES.find(([regex]) => regex.test(value));
      if (pattern) {
        problems.push({ message: `environment variable ${name} holds what looks like ${pattern[1]}`, subject: name });
      } else if (SECRET_NAME.test(name) && !POINTER_NAME.test(name) && value !== "" && !isResourceAttribute(value)) {
        problems.push({
          message: `environment variable ${name} is named like a credential and holds its value, not a pointer to it`,
          subject: name,
        });
      }
    }
    return verdictOf(problems);
  },
};

/** A reference to another resource's attribute (a table name, a queue URL) is configuration, not a secret. */
function isResourceAttribute(value: string): boolean {
  const reference = parseReference(value);
  return (
    reference !== undefined &&
    reference.type.startsWith("aws_") &&
    !/password|secret_string|token|key_secret/i.test(reference.attribute)
  );
}
