import { STOCK_CATALOGUE, seedInventory, type CatalogueProduct } from "../../../handlers/inventory/catalogue";
import { OrderStatus } from "../../contracts/tables";
import { UserInputError } from "../../user-input-error";
import { LocalFunction } from "../runtime/lambda/local-function";
import { LocalRuntime } from "../runtime/runtime";

/** The order pipeline's parts in a running stack, found by the outputs the stack publishes. */
export interface PipelineParts {
  /** The Order service (output `function_names.order`): submissions go to it, as `aws lambda invoke` would send them. */
  readonly orderFunction: LocalFunction;
  /** Output `orders_table_name`. */
  readonly ordersTable: string;
  /** Output `table_names.inventory`. */
  readonly inventoryTable: string;
  /** Output `table_names.payments`. */
  readonly paymentsTable: string;
}

/** A stack that lacks what the order pipeline needs; the message says what is missing. */
class PipelineShapeError extends UserInputError {
  override readonly name = "PipelineShapeError";
}

/** Finds the Order service and the tables from the stack's outputs, as an operator would (`terraform output`). */
export function pipelineParts(runtime: LocalRuntime): PipelineParts {
  const output = (name: string, key?: string): string => {
    const value = runtime.model.output(name);
    const picked = key === undefined ? value : isRecord(value) ? value[key] : undefined;
    if (typeof picked !== "string")
      throw new PipelineShapeError(
        `stack ${runtime.stackName} has no output ${key === undefined ? name : `${name}.${key}`} naming ` +
          `what the orders need: synthesize it again (npm run synth)`,
      );
    return picked;
  };
  return {
    orderFunction: runtime.function(output("function_names", "order")),
    ordersTable: output("orders_table_name"),
    inventoryTable: output("table_names", "inventory"),
    paymentsTable: output("table_names", "payments"),
  };
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * Seeds the catalogue's products (names, prices, stock), as a deployment's catalogue would be
 * loaded. `unitsPerProduct` overrides the catalogue's counts (load runs stock enough for every order).
 */
export async function stockCatalogue(
  runtime: LocalRuntime,
  parts: PipelineParts,
  unitsPerProduct?: number,
  products: readonly CatalogueProduct[] = STOCK_CATALOGUE,
): Promise<readonly CatalogueProduct[]> {
  const catalogue = unitsPerProduct === undefined ? products : products.map((p) => ({ ...p, stock: unitsPerProduct }));
  await seedInventory(runtime.tables.client, parts.inventoryTable, { reset: true, catalogue });
  return catalogue;
}

/** An order item, as the orders table holds it. */
export interface StoredOrder {
  readonly orderId: string;
  readonly status: string;
  readonly failureReason?: string;
  readonly failureCause?: string;
  readonly [key: string]: unknown;
}

/** Reads orders from the orders table. */
export class OrderReader {
  constructor(
    private readonly runtime: LocalRuntime,
    private readonly tableName: string,
  ) {}

  async get(orderId: string): Promise<StoredOrder | undefined> {
    return (await this.runtime.tables.getItem(this.tableName, { orderId: { S: orderId } })) as StoredOrder | undefined;
  }
}

/** Whether an order status is final. */
export const isFinal = (status: string | undefined) =>
  status === OrderStatus.completed || status === OrderStatus.failed;
