/**
 * One local AWS per test file: dynalite with the contract's tables (stock seeded), a
 * local event bus served over HTTP, and SDK clients pointed at both.
 */
import "./powertools-env";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { seedInventory } from "../../handlers/inventory/catalogue";
import { createDocumentClient } from "../../handlers/shared/aws";
import { createObservability, type Observability } from "../../handlers/shared/observability";
import {
  createTables,
  LOCAL_AWS,
  localTableNames,
  startLocalDynamoDB,
  type TableNames,
} from "../../src/local/dynamodb";
import { LocalEventBus, startLocalEventBridge } from "../../src/local/event-bus";
import { returnItemOnConditionCheckFailure } from "../../src/local/runtime/dynamodb/condition-check-items";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export const BUS_NAME = "orders-test-bus";

export interface LocalAws {
  readonly dynamodb: DynamoDBClient;
  readonly db: DynamoDBDocumentClient;
  readonly tables: TableNames;
  readonly bus: LocalEventBus;
  readonly eventBridge: EventBridgeClient;
  readonly dynamodbEndpoint: string;
  readonly eventBridgeEndpoint: string;
  close(): Promise<void>;
}

export async function startLocalAws(prefix = "test"): Promise<LocalAws> {
  // This dynalite runs in the test's process: it answers ReturnValuesOnConditionCheckFailure as the runtime's does.
  returnItemOnConditionCheckFailure(require, require.resolve("dynalite"));
  const ddb = await startLocalDynamoDB();
  const tables = localTableNames(prefix);
  await createTables(ddb.client, tables);
  await seedInventory(ddb.client, tables.inventory);
  const bus = new LocalEventBus({ busNames: [BUS_NAME] });
  const server = await startLocalEventBridge(bus);
  const eventBridge = new EventBridgeClient({ ...LOCAL_AWS, endpoint: server.endpoint, maxAttempts: 1 });
  return {
    dynamodb: ddb.client,
    db: createDocumentClient(ddb.client),
    tables,
    bus,
    eventBridge,
    dynamodbEndpoint: ddb.endpoint,
    eventBridgeEndpoint: server.endpoint,
    async close() {
      eventBridge.destroy();
      await server.close();
      await ddb.close();
    },
  };
}

/** Powertools utilities for a service under test (quiet, no EMF, no X-Ray). */
export function testObservability(service: string): Observability {
  return createObservability(service);
}

/**
 * `db` with every command it sends written down by name (`Put`, `Update`, `BatchGet`...), in order:
 * what a handler costs in DynamoDB calls.
 */
export function countingClient(db: DynamoDBDocumentClient): { db: DynamoDBDocumentClient; calls: string[] } {
  const calls: string[] = [];
  const counted = new Proxy(db, {
    get(target, property, receiver) {
      if (property !== "send") return Reflect.get(target, property, receiver) as unknown;
      return (command: object, ...rest: unknown[]) => {
        calls.push(command.constructor.name.replace(/Command$/, ""));
        return (target.send as (...args: unknown[]) => unknown).call(target, command, ...rest);
      };
    },
  });
  return { db: counted, calls };
}
