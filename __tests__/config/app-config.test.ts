import { resolveAppSettings } from "../../src/config/app-config";

const none = () => undefined;
const from = (values: Record<string, string>) => (key: string) => values[key];

describe("resolveAppSettings", () => {
  test("defaults need no account: dev only, us-east-1, a documented state bucket", () => {
    expect(resolveAppSettings(none, none)).toEqual({
      environments: ["dev"],
      region: "us-east-1",
      stateBackend: { bucket: "orders-terraform-state", region: "us-east-1", keyPrefix: "orders-pipeline" },
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
    expect(resolveAppSettings(from({ ORDERS_ENVIRONMENTS: "all" }), none).environments).toEqual(["dev", "staging", "prod"]);
    expect(resolveAppSettings(from({ ORDERS_ENVIRONMENTS: "dev, dev" }), none).environments).toEqual(["dev"]);
  });

  test("the key prefix loses surrounding slashes", () => {
    expect(resolveAppSettings(from({ ORDERS_STATE_KEY_PREFIX: "/teams/orders/" }), none).stateBackend.keyPrefix).toBe("teams/orders");
  });

  test.each([
    [{ ORDERS_ENVIRONMENTS: "qa" }, /ORDERS_ENVIRONMENTS names unknown environment\(s\) "qa"; allowed: dev, staging, prod/],
    [{ ORDERS_ENVIRONMENTS: " , " }, /ORDERS_ENVIRONMENTS must name at least one of dev, staging, prod/],
    [{ ORDERS_AWS_REGION: "mars-1" }, /ORDERS_AWS_REGION \(context "region"\) must be an AWS region/],
    [{ ORDERS_STATE_BUCKET: "Bad_Bucket" }, /ORDERS_STATE_BUCKET \(context "stateBucket"\) must be an S3 bucket name/],
    [{ ORDERS_STATE_BUCKET: "a..b" }, /ORDERS_STATE_BUCKET/],
    [{ ORDERS_STATE_REGION: "nowhere" }, /ORDERS_STATE_REGION \(context "stateRegion"\) must be an AWS region/],
    [{ ORDERS_STATE_KEY_PREFIX: "///" }, /ORDERS_STATE_KEY_PREFIX \(context "stateKeyPrefix"\) must be a non-empty S3 key prefix/],
  ])("fails when %j, naming the setting", (env, message) => {
    expect(() => resolveAppSettings(from(env as Record<string, string>), none)).toThrow(message);
  });
});
