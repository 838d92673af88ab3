/**
 * One local AWS per test file, on the local runtime's services: dynalite started by the runtime's
 * launcher with the contract's tables (stock seeded), the runtime's EventBridge (recording what it
 * accepts) served over HTTP by the runtime's PutEvents endpoint, and SDK clients pointed at both.
 */
import "./powertools-env";
import {
  CreateTableCommand,
  type AttributeDefinition,
  type DynamoDBClient,
  type KeySchemaElement,
} from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { seedInventory } from "../../handlers/inventory/catalogue";
import { createDocumentClient } from "../../handlers/shared/aws";
import { createObservability, type Observability } from "../../handlers/shared/observability";
import { Tables, type TableName } from "../../src/contracts/tables";
import { startDynalite } from "../../src/local/runtime/dynamodb/dynalite-server";
import { startPutEventsEndpoint } from "../../src/local/runtime/eventbridge/endpoint";
import { RecordingBus } from "./recording-bus";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

const BUS_NAME = "orders-test-bus";

/** Credentials and region local clients use (the local services check neither). */
export const LOCAL_AWS = {
  region: "us-east-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
} as const;

/** Physical table names, by logical name. */
type TableNames = Record<TableName, string>;

export interface LocalAws {
  readonly dynamodb: DynamoDBClient;
  readonly db: DynamoDBDocumentClient;
  readonly tables: TableNames;
  readonly bus: RecordingBus;
  readonly eventBridge: EventBridgeClient;
  readonly dynamodbEndpoint: string;
  readonly eventBridgeEndpoint: string;
  close(): Promise<void>;
}

/** Creates every table of the contract (on-demand, string keys), named `<prefix>-<logical name>`. */
async function createTables(client: DynamoDBClient, prefix: string): Promise<TableNames> {
  const names = Object.fromEntries(Object.keys(Tables).map((name) => [name, `${prefix}-${name}`])) as TableNames;
  for (const [logical, schema] of Object.entries(Tables) as [TableName, (typeof Tables)[TableName]][]) {
    const keys: KeySchemaElement[] = [{ AttributeName: schema.partitionKey, KeyType: "HASH" }];
    const attributes: AttributeDefinition[] = [{ AttributeName: schema.partitionKey, AttributeType: "S" }];
    if ("sortKey" in schema && schema.sortKey) {
      keys.push({ AttributeName: schema.sortKey, KeyType: "RANGE" });
      attributes.push({ AttributeName: schema.sortKey, AttributeType: "S" });
    }
    await client.send(
      new CreateTableCommand({
        TableName: names[logical],
        KeySchema: keys,
        AttributeDefinitions: attributes,
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  }
  return names;
}

export async function startLocalAws(prefix = "test"): Promise<LocalAws> {
  const dynamo = await startDynalite(LOCAL_AWS.region);
  const tables = await createTables(dynamo.client, prefix);
  await seedInventory(dynamo.client, tables.inventory);
  const bus = new RecordingBus({ busNames: [BUS_NAME] });
  const server = await startPutEventsEndpoint((entries, caller) => bus.putEvents(entries, caller));
  const eventBridge = new EventBridgeClient({ ...LOCAL_AWS, endpoint: server.endpoint, maxAttempts: 1 });
  return {
    dynamodb: dynamo.client,
    db: createDocumentClient(dynamo.client),
    tables,
    bus,
    eventBridge,
    dynamodbEndpoint: dynamo.endpoint,
    eventBridgeEndpoint: server.endpoint,
    async close() {
      eventBridge.destroy();
      await server.close();
      await dynamo.close();
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
