/**
 * The four services wired to local resources: a DynamoDB client (dynalite), the table
 * names and the simulated payment gateway, for tests that call the services in-process.
 */
import { createInventoryHandler, type InventoryHandler } from "../../handlers/inventory";
import {
  createNotificationHandler,
  type NotificationChannel,
  type NotificationHandler,
} from "../../handlers/notification";
import { createOrderHandler, type OrderHandler } from "../../handlers/order";
import { createPaymentHandler, type PaymentHandler } from "../../handlers/payment";
import { SimulatedPaymentGateway, type PaymentGateway } from "../../handlers/payment/gateway";
import { createDocumentClient } from "../../handlers/shared/aws";
import { createObservability, type Observability } from "../../handlers/shared/observability";
import type { TableNames } from "./local-aws";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

export interface LocalServicesOptions {
  readonly dynamodb: DynamoDBClient;
  readonly tables: TableNames;
  /** Default: the simulator, recording its calls. */
  readonly gateway?: PaymentGateway;
  /** Default: a structured log line. */
  readonly notificationChannel?: NotificationChannel;
  /** Powertools utilities per service. Default: createObservability(<service>). */
  readonly observability?: (service: string) => Observability;
}

export interface LocalServices {
  readonly order: OrderHandler;
  readonly payment: PaymentHandler;
  readonly inventory: InventoryHandler;
  readonly notification: NotificationHandler;
  readonly gateway: PaymentGateway;
}

export function createLocalServices(options: LocalServicesOptions): LocalServices {
  const obs = options.observability ?? createObservability;
  const db = createDocumentClient(options.dynamodb);
  const gateway = options.gateway ?? new SimulatedPaymentGateway({ recordCalls: true });
  return {
    gateway,
    order: createOrderHandler({
      db,
      ordersTableName: options.tables.orders,
      catalogueTableName: options.tables.inventory,
      obs: obs("order"),
    }),
    payment: createPaymentHandler({ db, paymentsTableName: options.tables.payments, gateway, obs: obs("payment") }),
    inventory: createInventoryHandler({ db, inventoryTableName: options.tables.inventory, obs: obs("inventory") }),
    notification: createNotificationHandler({
      dynamodb: options.dynamodb,
      idempotencyTableName: options.tables.idempotency,
      ordersTableName: options.tables.orders,
      obs: obs("notification"),
      ...(options.notificationChannel ? { channel: options.notificationChannel } : {}),
    }),
  };
}
