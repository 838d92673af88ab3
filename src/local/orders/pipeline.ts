import { STOCK_CATALOGUE, seedInventory, type CatalogueProduct } from "../../../handlers/inventory/catalogue";
import { EnvVar, OrderStatus } from "../../contracts/tables";
import { serviceOf } from "../runtime/faults";
import { LocalFunction } from "../runtime/lambda/local-function";
import { LocalRuntime } from "../runtime/runtime";
import { UserInputError } from "../../user-input-error";

/** The order pipeline's parts in a running stack, found by what the functions declare. */
export interface PipelineParts {
  /** The Order service: submissions go to it, as `aws lambda invoke` would send them. */
  readonly orderFunction: LocalFunction;
  /** ORDERS_TABLE_NAME of the Order service. */
  readonly ordersTable: string;
  /** INVENTORY_TABLE_NAME of the Inventory service. */
  readonly inventoryTable: string;
  /** PAYMENTS_TABLE_NAME of the Payment service. */
  readonly paymentsTable: string;
}

/** A stack that lacks what the order pipeline needs; the message says what is missing. */
class PipelineShapeError extends UserInputError {
  override readonly name = "PipelineShapeError";
}

/** Finds the Order service and the tables, from the functions' synthesized environment. */
export function pipelineParts(runtime: LocalRuntime): PipelineParts {
  const env = (variable: string) => {
    const fn = runtime.model.functions.find((f) => f.variables[variable] !== undefined);
    if (!fn)
      throw new PipelineShapeError(`no function of stack ${runtime.stackName} has ${variable} in its environment`);
    return { fn, value: fn.variables[variable] as string };
  };
  const orders = env(EnvVar.ordersTable);
  const order = [...runtime.functions.values()].find(
    (f) => serviceOf(f.spec) === "order" && f.spec.environment[EnvVar.catalogueTable] !== undefined,
  );
  return {
    orderFunction: order ?? runtime.function(orders.fn.name),
    ordersTable: orders.value,
    inventoryTable: env(EnvVar.inventoryTable).value,
    paymentsTable: env(EnvVar.paymentsTable).value,
  };
}

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
