import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

export const lambdaCodeSigning: ResourceRule = {
  id: "lambda-code-signing",
  scope: "resource",
  title: "Functions only accept code signed by a trusted publisher",
  explanation:
    "A code signing configuration makes Lambda reject deployment packages that were not signed by an approved AWS Signer profile, so only code from the release pipeline can run.",
  fix: "Create an aws_lambda_code_signing_config with the release pipeline's signing profile and set code_signing_config_arn on the function; deploy signed packages from S3.",
  mirrors: ["CKV_AWS_272"],
  resourceTypes: ["aws_lambda_function"],
  check(fn) {
    return fn.config.code_signing_config_arn ? COMPLIANT : nonCompliant("has no code_signing_config_arn");
  },
};
