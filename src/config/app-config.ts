import { ENVIRONMENT_NAMES, EnvironmentName, isEnvironmentName } from "./profiles";

/** Where each stack keeps its Terraform state. */
export interface StateBackendSettings {
  /** S3 bucket holding the state (create it with the `state-bootstrap` stack). */
  readonly bucket: string;
  /** Region of the bucket. */
  readonly region: string;
  /** Prefix of every state key; the key is `<prefix>/<stack>.tfstate`. */
  readonly keyPrefix: string;
}

/** Everything the app reads from its surroundings, resolved once. */
export interface AppSettings {
  /** Environments to synthesize, one stack each. */
  readonly environments: readonly EnvironmentName[];
  /** AWS region the stacks deploy to. */
  readonly region: string;
  readonly stateBackend: StateBackendSettings;
}

/** Where settings come from, highest first: environment variables, then cdktf context. */
export type SettingsSource = (key: string) => string | undefined;

export const SETTINGS = {
  environments: { env: "ORDERS_ENVIRONMENTS", context: "environments", fallback: "dev" },
  region: { env: "ORDERS_AWS_REGION", context: "region", fallback: "us-east-1" },
  stateBucket: { env: "ORDERS_STATE_BUCKET", context: "stateBucket", fallback: "orders-terraform-state" },
  stateRegion: { env: "ORDERS_STATE_REGION", context: "stateRegion", fallback: undefined },
  stateKeyPrefix: { env: "ORDERS_STATE_KEY_PREFIX", context: "stateKeyPrefix", fallback: "orders-pipeline" },
} as const;

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const KEY_PREFIX = /^[A-Za-z0-9!_.*'()\/-]+$/;

/**
 * Resolves the app's settings. `env` wins over `context`; each setting has a default
 * that needs no AWS account. Throws an error naming the setting on a bad value.
 */
export function resolveAppSettings(env: SettingsSource, context: SettingsSource): AppSettings {
  const read = (s: { env: string; context: string; fallback: string | undefined }): string | undefined => {
    const fromEnv = env(s.env);
    if (fromEnv !== undefined && fromEnv.trim() !== "") return fromEnv.trim();
    const fromContext = context(s.context);
    if (fromContext !== undefined && String(fromContext).trim() !== "") return String(fromContext).trim();
    return s.fallback;
  };
  const environments = parseEnvironments(read(SETTINGS.environments) ?? "dev");
  const region = read(SETTINGS.region) as string;
  if (!REGION.test(region)) {
    throw new Error(`${SETTINGS.region.env} (context "region") must be an AWS region such as eu-west-1, got "${region}".`);
  }
  const bucket = read(SETTINGS.stateBucket) as string;
  if (!BUCKET_NAME.test(bucket) || bucket.includes("..")) {
    throw new Error(
      `${SETTINGS.stateBucket.env} (context "stateBucket") must be an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens; got "${bucket}".`,
    );
  }
  const stateRegion = read(SETTINGS.stateRegion) ?? region;
  if (!REGION.test(stateRegion)) {
    throw new Error(`${SETTINGS.stateRegion.env} (context "stateRegion") must be an AWS region, got "${stateRegion}".`);
  }
  const keyPrefix = (read(SETTINGS.stateKeyPrefix) as string).replace(/^\/+|\/+$/g, "");
  if (!KEY_PREFIX.test(keyPrefix)) {
    throw new Error(`${SETTINGS.stateKeyPrefix.env} (context "stateKeyPrefix") must be a non-empty S3 key prefix, got "${keyPrefix}".`);
  }
  return { environments, region, stateBackend: { bucket, region: stateRegion, keyPrefix } };
}

function parseEnvironments(value: string): EnvironmentName[] {
  const names = value === "all" ? [...ENVIRONMENT_NAMES] : value.split(",").map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) {
    throw new Error(`${SETTINGS.environments.env} must name at least one of ${ENVIRONMENT_NAMES.join(", ")} (or "all").`);
  }
  const unknown = names.filter((n) => !isEnvironmentName(n));
  if (unknown.length > 0) {
    throw new Error(
      `${SETTINGS.environments.env} names unknown environment(s) ${unknown.map((n) => `"${n}"`).join(", ")}; allowed: ${ENVIRONMENT_NAMES.join(", ")}, or "all".`,
    );
  }
  return [...new Set(names)] as EnvironmentName[];
}
