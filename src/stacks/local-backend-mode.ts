/**
 * The local-backend switch (`ORDERS_LOCAL_BACKEND=1`, or `"localBackend": true` in cdktf.json's context):
 * every stack keeps its state in a local file and the aws provider gets fake keys with its skip settings,
 * so `npx cdktf diff` plans without an AWS account or the S3 state bucket. Such a plan starts from an
 * empty state and is for review only: never deploy with the switch on.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { OFFLINE_PROVIDER_SETTINGS } from "../terraform/offline-provider-settings";
import type { TerraformStack } from "cdktf";

export const LOCAL_BACKEND_SETTING = { env: "ORDERS_LOCAL_BACKEND", context: "localBackend" } as const;

/** Whether the switch is on; throws on a value that is neither on nor off. */
export function localBackendRequested(value: string | undefined): boolean {
  const normalized = (value ?? "").trim().toLowerCase();
  if (["1", "true", "yes"].includes(normalized)) return true;
  if (["", "0", "false", "no"].includes(normalized)) return false;
  throw new Error(
    `${LOCAL_BACKEND_SETTING.env} must be 1 or true (on), 0 or false (off), not ${JSON.stringify(value)}.`,
  );
}

/** Replaces the stack's backend by a local state file and lets its aws providers plan with no credentials. */
export function useLocalBackend(stack: TerraformStack): void {
  stack.addOverride("terraform.backend.s3", undefined);
  stack.addOverride("terraform.backend.local", { path: "terraform.tfstate" });
  for (const provider of stack.node.findAll().filter((c): c is AwsProvider => c instanceof AwsProvider)) {
    for (const [key, value] of Object.entries(OFFLINE_PROVIDER_SETTINGS)) provider.addOverride(key, value);
  }
}
