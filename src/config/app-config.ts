import { ENVIRONMENT_NAMES, EnvironmentName, isEnvironmentName } from "./profiles";

/** Where each stack keeps its Terraform state. */
export interface StateBackendSettings {
  /** S3 bucket holding the state (create it with the `state-bootstrap` stack). */
  readonly bucket: string;
  /** Region of the bucket. */
  readonly region: string;
  /** Prefix of every state key; the key is `<prefix>/<stack>.tfstate`. */
  readonly keyPrefix: string;
  /**
   * Alias of the customer-managed KMS key the bootstrap stack creates; the backends encrypt state with it
   * (`kms_key_id`). An alias resolves in the caller's account, so deployers work in the bucket's account.
   */
  readonly kmsKeyAlias: string;
  /** IAM role or user ARNs that alone may read and write state objects and use the key; empty: not restricted. */
  readonly deployers: readonly string[];
}

/** Which payment gateway the Payment function charges through, and whether prod may use the simulator. */
interface PaymentSettings {
  /** `simulator`, or the name of a real gateway integration; the function reads it as `PAYMENT_GATEWAY`. */
  readonly gateway: string;
  /** The explicit opt-in that lets a production stack synthesize with the simulator. */
  readonly simulatorAcceptedInProd: boolean;
}

/** Everything the app reads from its surroundings, resolved once. */
export interface AppSettings {
  /** Environments to synthesize, one stack each. */
  readonly environments: readonly EnvironmentName[];
  /** AWS region the stacks deploy to. */
  readonly region: string;
  readonly stateBackend: StateBackendSettings;
  /** The only AWS accounts the stacks may be applied to (the provider's `allowed_account_ids`); empty: any. */
  readonly allowedAccountIds: readonly string[];
  readonly payments: PaymentSettings;
}

/** Where settings come from, highest first: environment variables, then cdktf context. */
export type SettingsSource = (key: string) => string | undefined;

/** The `PAYMENT_GATEWAY` value that selects the Payment service's built-in simulator. */
export const SIMULATED_PAYMENT_GATEWAY = "simulator";
/** The Payment function's environment variable naming its gateway. */
export const PAYMENT_GATEWAY_ENV = "PAYMENT_GATEWAY";
/** Tag that records, on the Payment function, the explicit opt-in to the simulator in production. */
export const PAYMENT_SIMULATOR_OPT_IN_TAG = "payment-simulator-in-production";

const SETTINGS = {
  environments: { env: "ORDERS_ENVIRONMENTS", context: "environments", fallback: "dev" },
  region: { env: "ORDERS_AWS_REGION", context: "region", fallback: "us-east-1" },
  stateBucket: { env: "ORDERS_STATE_BUCKET", context: "stateBucket", fallback: "orders-terraform-state" },
  stateRegion: { env: "ORDERS_STATE_REGION", context: "stateRegion", fallback: undefined },
  stateKeyPrefix: { env: "ORDERS_STATE_KEY_PREFIX", context: "stateKeyPrefix", fallback: "orders-pipeline" },
  stateKmsKeyAlias: { env: "ORDERS_STATE_KMS_KEY_ALIAS", context: "stateKmsKeyAlias", fallback: undefined },
  stateDeployers: { env: "ORDERS_STATE_DEPLOYERS", context: "stateDeployers", fallback: "" },
  allowedAccountIds: { env: "ORDERS_AWS_ACCOUNT_IDS", context: "allowedAccountIds", fallback: "" },
  paymentGateway: { env: "ORDERS_PAYMENT_GATEWAY", context: "paymentGateway", fallback: SIMULATED_PAYMENT_GATEWAY },
  allowPaymentSimulatorInProd: {
    env: "ORDERS_ALLOW_PAYMENT_SIMULATOR_IN_PROD",
    context: "allowPaymentSimulatorInProd",
    fallback: "false",
  },
} as const;

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const KEY_PREFIX = /^[A-Za-z0-9!_.*'()/-]+$/;
const KMS_ALIAS = /^alias\/[A-Za-z0-9/_-]{1,250}$/;
const DEPLOYER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[A-Za-z0-9+=,.@_/-]+$/;
const ACCOUNT_ID = /^\d{12}$/;
const GATEWAY_NAME = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;

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
    throw new Error(
      `${SETTINGS.region.env} (context "region") must be an AWS region such as eu-west-1, got "${region}".`,
    );
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
    throw new Error(
      `${SETTINGS.stateKeyPrefix.env} (context "stateKeyPrefix") must be a non-empty S3 key prefix, got "${keyPrefix}".`,
    );
  }
  const kmsKeyAlias = read(SETTINGS.stateKmsKeyAlias) ?? `alias/${bucket.replace(/\./g, "-")}`;
  if (!KMS_ALIAS.test(kmsKeyAlias) || kmsKeyAlias.startsWith("alias/aws/")) {
    throw new Error(
      `${SETTINGS.stateKmsKeyAlias.env} (context "stateKmsKeyAlias") must be a KMS alias such as alias/orders-state (letters, digits, /, _ and -; not alias/aws/...), got "${kmsKeyAlias}".`,
    );
  }
  const deployers = list(read(SETTINGS.stateDeployers));
  const badDeployer = deployers.find((arn) => !DEPLOYER_ARN.test(arn));
  if (badDeployer !== undefined) {
    throw new Error(
      `${SETTINGS.stateDeployers.env} (context "stateDeployers") must list IAM role or user ARNs (arn:aws:iam::<account>:role/<name>), got "${badDeployer}".`,
    );
  }
  const allowedAccountIds = list(read(SETTINGS.allowedAccountIds));
  const badAccount = allowedAccountIds.find((id) => !ACCOUNT_ID.test(id));
  if (badAccount !== undefined) {
    throw new Error(
      `${SETTINGS.allowedAccountIds.env} (context "allowedAccountIds") must list 12-digit AWS account ids, got "${badAccount}".`,
    );
  }
  const gateway = read(SETTINGS.paymentGateway) as string;
  if (!GATEWAY_NAME.test(gateway)) {
    throw new Error(
      `${SETTINGS.paymentGateway.env} (context "paymentGateway") must be "${SIMULATED_PAYMENT_GATEWAY}" or a gateway name of 3-32 lowercase letters, digits and hyphens, got "${gateway}".`,
    );
  }
  const optIn = (read(SETTINGS.allowPaymentSimulatorInProd) as string).toLowerCase();
  if (optIn !== "true" && optIn !== "false") {
    throw new Error(
      `${SETTINGS.allowPaymentSimulatorInProd.env} (context "allowPaymentSimulatorInProd") must be true or false, got "${optIn}".`,
    );
  }
  return {
    environments,
    region,
    stateBackend: { bucket, region: stateRegion, keyPrefix, kmsKeyAlias, deployers },
    allowedAccountIds,
    payments: { gateway, simulatorAcceptedInProd: optIn === "true" },
  };
}

function list(value: string | undefined): string[] {
  return [
    ...new Set(
      (value ?? "")
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
}

function parseEnvironments(value: string): EnvironmentName[] {
  const names =
    value === "all"
      ? [...ENVIRONMENT_NAMES]
      : value
          .split(",")
          .map((n) => n.trim())
          .filter(Boolean);
  if (names.length === 0) {
    throw new Error(
      `${SETTINGS.environments.env} must name at least one of ${ENVIRONMENT_NAMES.join(", ")} (or "all").`,
    );
  }
  const unknown = names.filter((n) => !isEnvironmentName(n));
  if (unknown.length > 0) {
    throw new Error(
      `${SETTINGS.environments.env} names unknown environment(s) ${unknown.map((n) => `"${n}"`).join(", ")}; allowed: ${ENVIRONMENT_NAMES.join(", ")}, or "all".`,
    );
  }
  return [...new Set(names)] as EnvironmentName[];
}
