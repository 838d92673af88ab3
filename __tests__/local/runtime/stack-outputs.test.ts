/**
 * The stack's outputs, evaluated as `terraform output` shows them after apply: the value expression
 * over the resources, in the local account and region
 * (https://developer.hashicorp.com/terraform/language/values/outputs).
 */
import { StackModelError, readStackModel } from "../../../src/local/runtime/stack-model";
import { LOCAL_ACCOUNT_ID, TerraformReferences } from "../../../src/local/runtime/terraform/references";
import type { StackDocument } from "../../../src/terraform/stack-document";

const document = {
  variable: { prefix: { type: "string", default: "shop" } },
  resource: {
    aws_dynamodb_table: {
      inventory: {
        name: "${var.prefix}-inventory",
        hash_key: "productId",
        billing_mode: "PAY_PER_REQUEST",
        attribute: [{ name: "productId", type: "S" }],
      },
    },
  },
  output: {
    table_names: { value: { inventory: "${aws_dynamodb_table.inventory.name}" } },
    inventory_arn: { value: "${aws_dynamodb_table.inventory.arn}" },
    broken: { value: "${aws_sqs_queue.nowhere.url}" },
  },
} as unknown as StackDocument;

const model = readStackModel(
  document,
  new TerraformReferences(document, { prefix: "shop" }, { accountId: LOCAL_ACCOUNT_ID, region: "eu-west-1" }),
  { stackDir: "/tmp" },
);

describe("stack outputs", () => {
  test("are evaluated over the resources, objects included, and computed attributes as AWS builds them", () => {
    expect(model.output("table_names")).toEqual({ inventory: "shop-inventory" });
    expect(model.output("inventory_arn")).toBe(`arn:aws:dynamodb:eu-west-1:${LOCAL_ACCOUNT_ID}:table/shop-inventory`);
  });

  test("an output the stack does not declare is undefined; one that cannot be evaluated fails only when read", () => {
    expect(model.output("nothing")).toBeUndefined();
    expect(() => model.output("broken")).toThrow(StackModelError);
    expect(() => model.output("broken")).toThrow(
      "output.broken: aws_sqs_queue.nowhere is not a resource of this stack",
    );
  });
});
