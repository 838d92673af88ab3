/**
 * A local DynamoDB: dynalite (a DynamoDB API server on LevelDB, in memory by default)
 * on a loopback port, the tables from `src/contracts/tables.ts`, and clients pointed at
 * it. dynalite has real validation and conditional writes; it has no transactions, TTL
 * or streams.
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  type AttributeDefinition,
  type KeySchemaElement,
} from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { Tables, type TableName } from "../contracts/tables";
import type { AddressInfo } from "node:net";

/** Credentials and region local clients use (dynalite checks neither). */
export const LOCAL_AWS = {
  region: "us-east-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
} as const;

export interface LocalDynamoDB {
  /** e.g. http://127.0.0.1:45123 */
  readonly endpoint: string;
  /** A client for this endpoint. */
  readonly client: DynamoDBClient;
  /** Stops the server and the client. */
  close(): Promise<void>;
}

export interface StartDynamoDBOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  readonly port?: number;
  /** LevelDB directory; in memory when omitted. */
  readonly path?: string;
}

/** Starts dynalite on 127.0.0.1. */
export async function startLocalDynamoDB(options: StartDynamoDBOptions = {}): Promise<LocalDynamoDB> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createLocalDynamoDBClient(endpoint);
  return {
    endpoint,
    client,
    async close() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error?: Error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** A DynamoDB client for a local endpoint (fake credentials, fixed region). */
function createLocalDynamoDBClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ ...LOCAL_AWS, endpoint });
}

/** Physical table names, by logical name. */
export type TableNames = Record<TableName, string>;

/** Table names with a prefix, e.g. `local-orders`. */
export function localTableNames(prefix = "local"): TableNames {
  return Object.fromEntries(Object.keys(Tables).map((name) => [name, `${prefix}-${name}`])) as TableNames;
}

/** Creates every table of the contract (on-demand, string keys). */
export async function createTables(client: DynamoDBClient, names: TableNames): Promise<void> {
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
}
