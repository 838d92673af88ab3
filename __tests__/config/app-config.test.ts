import { resolveAppSettings } from "../../src/config/app-config";

const none = () => undefined;
const from = (values: Record<string, string>) => (key: string) => values[key];

describe("resolveAppSettings", () => {
  test("defaults need no account: dev only, us-east-1, a documented state bucket", () => {
    expect(resolveAppSettings(none, none)).toEqual({
      environments: ["dev"],
      region: "us-east-1",
      stateBackend: {
        bucket: "orders-terraform-state",
        region: "us-east-1",
        keyPrefix: "orders-pipeline",
        kmsKeyAlias: "alias/orders-terraform-state",
        deployers: [],
      },
      allowedAccountIds: [],
      payments: { gateway: "simulator", simulatorAcceptedInProd: false },
    });
  });

  test("the state key alias follows the bucket (dots, which KMS aliases refuse, become hyphens) unless set", () => {
    expect(resolveAppSettings(from({ ORDERS_STATE_BUCKET: "team.orders.state" }), none).stateBackend.kmsKeyAlias).toBe(
      "alias/team-orders-state",
    );
    expect(resolveAppSettings(none, from({ stateKmsKeyAlias: "alias/state/orders" })).stateBackend.kmsKeyAlias).toBe(
      "alias/state/orders",
    );
  });

  test("deployers and account ids are comma-separated lists, trimmed and without duplicates", () => {
    const settings = resolveAppSettings(
      from({
        ORDERS_STATE_DEPLOYERS:
          "arn:aws:iam::111111111111:role/ci-deployer , arn:aws:iam::111111111111:user/ops,arn:aws:iam::111111111111:role/ci-deployer",
        ORDERS_AWS_ACCOUNT_IDS: "111111111111, 222222222222",
      }),
      none,
    );
    expect(settings.stateBackend.deployers).toEqual([
      "arn:aws:iam::111111111111:role/ci-deployer",
      "arn:aws:iam::111111111111:user/ops",
    ]);
    expect(settings.allowedAccountIds).toEqual(["111111111111", "222222222222"]);
  });

  test("the payment gateway and the production opt-in to the simulator", () => {
    expect(resolveAppSettings(from({ ORDERS_PAYMENT_GATEWAY: "acme-pay" }), none).payments).toEqual({
      gateway: "acme-pay",
      simulatorAcceptedInProd: false,
    });
    expect(resolveAppSettings(none, from({ allowPaymentSimulatorInProd: "TRUE" })).payments).toEqual({
      gateway: "simulator",
      simulatorAcceptedInProd: true,
    });
  });

  test("environment variables win over cdktf context", () => {
    const settings = resolveAppSettings(
      from({ ORDERS_ENVIRONMENTS: "staging,prod", ORDERS_STATE_BUCKET: "team-state" }),
      from({ environments: "dev", stateBucket: "context-state", region: "eu-west-1" }),
    );
    expect(settings.environments).toEqual(["staging", "prod"]);
    expect(settings.stateBackend.bucket).toBe("team-state");
    expect(settings.region).toBe("eu-west-1");
    expect(settings.stateBackend.region).toBe("eu-west-1");
  });

  test('"all" selects every environment, and duplicates collapse', () => {
    expect(resolveAppSettings(from({ ORDERS_ENVIRONMENTS: "all" }), none).environments).toEqual([
      "dev",
      "staging",
      "prod",
    ]);
    expect(resolveAppSettings(from({ ORDERS_ENVIRONMENTS: "dev, dev" }), none).environments).toEqual(["dev"]);
  });

  test("the key prefix loses surrounding slashes", () => {
    expect(resolveAppSettings(from({ ORDERS_STATE_KEY_PREFIX: "/teams/orders/" }), none).stateBackend.keyPrefix).toBe(
      "teams/orders",
    );
  });

  test.each([
    [
      { ORDERS_ENVIRONMENTS: "qa" },
      /ORDERS_ENVIRONMENTS names unknown environment\(s\) "qa"; allowed: dev, staging, prod/,
    ],
    [{ ORDERS_ENVIRONMENTS: " , " }, /ORDERS_ENVIRONMENTS must name at least one of dev, staging, prod/],
    [{ ORDERS_AWS_REGION: "mars-1" }, /ORDERS_AWS_REGION \(context "region"\) must be an AWS region/],
    [{ ORDERS_STATE_BUCKET: "Bad_Bucket" }, /ORDERS_STATE_BUCKET \(context "stateBucket"\) must be an S3 bucket name/],
    [{ ORDERS_STATE_BUCKET: "a..b" }, /ORDERS_STATE_BUCKET/],
    [{ ORDERS_STATE_REGION: "nowhere" }, /ORDERS_STATE_REGION \(context "stateRegion"\) must be an AWS region/],
    [
      { ORDERS_STATE_KEY_PREFIX: "///" },
      /ORDERS_STATE_KEY_PREFIX \(context "stateKeyPrefix"\) must be a non-empty S3 key prefix/,
    ],
    [
      { ORDERS_STATE_KMS_KEY_ALIAS: "orders-state" },
      /ORDERS_STATE_KMS_KEY_ALIAS \(context "stateKmsKeyAlias"\) must be a KMS alias such as alias\/orders-state/,
    ],
    [{ ORDERS_STATE_KMS_KEY_ALIAS: "alias/aws/s3" }, /ORDERS_STATE_KMS_KEY_ALIAS .*not alias\/aws\//],
    [
      { ORDERS_STATE_DEPLOYERS: "arn:aws:iam::111111111111:role/ci,ci-deployer" },
      /ORDERS_STATE_DEPLOYERS \(context "stateDeployers"\) must list IAM role or user ARNs .*got "ci-deployer"/,
    ],
    [
      { ORDERS_AWS_ACCOUNT_IDS: "12345" },
      /ORDERS_AWS_ACCOUNT_IDS \(context "allowedAccountIds"\) must list 12-digit AWS account ids, got "12345"/,
    ],
    [
      { ORDERS_PAYMENT_GATEWAY: "Acme Pay" },
      /ORDERS_PAYMENT_GATEWAY \(context "paymentGateway"\) must be "simulator" or a gateway name/,
    ],
    [
      { ORDERS_ALLOW_PAYMENT_SIMULATOR_IN_PROD: "yes" },
      /ORDERS_ALLOW_PAYMENT_SIMULATOR_IN_PROD \(context "allowPaymentSimulatorInProd"\) must be true or false, got "yes"/,
    ],
  ])("fails when %j, naming the setting", (env, message) => {
    expect(() => resolveAppSettings(from(env as Record<string, string>), none)).toThrow(message);
  });
});
