import { checkStacks } from "../../src/policy/check";
import { localBackendRequested } from "../../src/stacks/local-backend-mode";
import { fixtureBundles, synthPipeline } from "../support/synth";

describe("the local-backend switch (ORDERS_LOCAL_BACKEND)", () => {
  const { json } = synthPipeline("dev", fixtureBundles(), { ORDERS_LOCAL_BACKEND: "1" });

  it("keeps the state in a local file instead of the S3 bucket", () => {
    expect(json.terraform.backend).toEqual({ local: { path: "terraform.tfstate" } });
  });

  it("gives the aws provider fake keys and the settings that keep it from reaching AWS", () => {
    // The settings with which hashicorp/aws 5.100 plans with no account: the offline plan's override
    // (offline-plan.integration.test.ts plans the dev stack with them through the real provider).
    expect(json.provider.aws).toEqual([
      expect.objectContaining({
        region: "us-east-1",
        access_key: expect.stringMatching(/^AKIA/),
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
      }),
    ]);
  });

  it("still passes the policy", () => {
    expect(checkStacks([{ name: "orders-dev", document: json as never }]).passed).toBe(true);
  });

  it("is off by default and refuses a value that is neither on nor off", () => {
    expect(synthPipeline("dev", fixtureBundles()).json.terraform.backend).toHaveProperty("s3");
    expect(localBackendRequested(undefined)).toBe(false);
    expect(localBackendRequested("true")).toBe(true);
    expect(() => localBackendRequested("maybe")).toThrow(
      'ORDERS_LOCAL_BACKEND must be 1 or true (on), 0 or false (off), not "maybe".',
    );
  });
});
