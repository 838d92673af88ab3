import { S3Backend, TerraformStack } from "cdktf";
import { StateBackendSettings } from "../config/app-config";

/** The state key of a stack: one per environment, under the configured prefix. */
function stateKey(settings: StateBackendSettings, stackName: string): string {
  return `${settings.keyPrefix}/${stackName}.tfstate`;
}

/**
 * Keeps the stack's state in S3: encrypted with the bootstrap stack's KMS key (SSE-KMS; `encrypt` alone
 * would make Terraform ask for SSE-S3), locked with S3's native lock file (`use_lockfile`,
 * Terraform 1.10+), which cdktf 0.21's `S3Backend` cannot express, hence the override.
 */
export function useS3StateBackend(stack: TerraformStack, stackName: string, settings: StateBackendSettings): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: settings.bucket,
    key: stateKey(settings, stackName),
    region: settings.region,
    encrypt: true,
    kmsKeyId: settings.kmsKeyAlias,
  });
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
  return backend;
}
