import { AwsServiceError } from "../service-error";
import { AttributeValue, DynamoDBJsonClient, unmarshallItem } from "./json-client";
import type { CreateTableCommandInput, DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** What the runtime knows of one synthesized `aws_dynamodb_table`. */
export interface TableSpec {
  readonly name: string;
  readonly arn: string;
  readonly hashKey: string;
  readonly rangeKey?: string;
  /** Attribute definitions (name and type S/N/B), as synthesized. */
  readonly attributes: readonly { readonly name: string; readonly type: string }[];
  readonly billingMode: "PAY_PER_REQUEST" | "PROVISIONED";
  readonly readCapacity?: number;
  readonly writeCapacity?: number;
  /** The TTL attribute when TTL is enabled. */
  readonly ttlAttribute?: string;
  readonly globalSecondaryIndexes?: readonly Record<string, unknown>[];
  readonly localSecondaryIndexes?: readonly Record<string, unknown>[];
  /** The table's stream, when `stream_enabled` is true. */
  readonly stream?: { readonly arn: string; readonly viewType: StreamViewType };
}

/** What a stream record carries of the item (DynamoDB's StreamViewType). */
export type StreamViewType = "KEYS_ONLY" | "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES";

/** CreateTable input for a table as synthesized (the keys, indexes and billing mode). */
function createTableInput(spec: TableSpec): CreateTableCommandInput {
  const provisioned = spec.billingMode === "PROVISIONED";
  const throughput = provisioned
    ? {
        ProvisionedThroughput: {
          ReadCapacityUnits: spec.readCapacity ?? 1,
          WriteCapacityUnits: spec.writeCapacity ?? 1,
        },
      }
    : {};
  const index = (i: Record<string, unknown>, withThroughput: boolean) => ({
    IndexName: String(i.name),
    KeySchema: [
      { AttributeName: String(i.hash_key), KeyType: "HASH" as const },
      ...(i.range_key ? [{ AttributeName: String(i.range_key), KeyType: "RANGE" as const }] : []),
    ],
    Projection: {
      ProjectionType: (i.projection_type as "ALL" | "KEYS_ONLY" | "INCLUDE") ?? "ALL",
      ...(Array.isArray(i.non_key_attributes) ? { NonKeyAttributes: i.non_key_attributes as string[] } : {}),
    },
    ...(withThroughput && provisioned
      ? {
          ProvisionedThroughput: {
            ReadCapacityUnits: Number(i.read_capacity ?? spec.readCapacity ?? 1),
            WriteCapacityUnits: Number(i.write_capacity ?? spec.writeCapacity ?? 1),
          },
        }
      : {}),
  });
  return {
    TableName: spec.name,
    KeySchema: [
      { AttributeName: spec.hashKey, KeyType: "HASH" },
      ...(spec.rangeKey ? [{ AttributeName: spec.rangeKey, KeyType: "RANGE" as const }] : []),
    ],
    AttributeDefinitions: spec.attributes.map((a) => ({
      AttributeName: a.name,
      AttributeType: a.type as "S" | "N" | "B",
    })),
    BillingMode: spec.billingMode,
    ...throughput,
    ...(spec.globalSecondaryIndexes?.length
      ? { GlobalSecondaryIndexes: spec.globalSecondaryIndexes.map((i) => index(i, true)) }
      : {}),
    ...(spec.localSecondaryIndexes?.length
      ? { LocalSecondaryIndexes: spec.localSecondaryIndexes.map((i) => index(i, false)) }
      : {}),
  };
}

/** DynamoDB API actions the Step Functions integrations call. */
const ACTIONS = new Set(["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query"]);

/**
 * The stack's tables on dynalite: created as synthesized (keys, indexes, billing mode), with TTL
 * applied by a periodic sweep (dynalite has no TTL; DynamoDB deletes expired items within days, the
 * sweep within `ttlSweepMs`), API calls for the Step Functions integrations, and a snapshot of every
 * item as plain JSON.
 */
export class LocalTables {
  private timer?: NodeJS.Timeout;

  constructor(
    /** The runtime's own client (JSON protocol). */
    readonly json: DynamoDBJsonClient,
    /** An AWS SDK client of the same endpoint, for code that takes one (seeding). */
    readonly client: DynamoDBClient,
    readonly specs: readonly TableSpec[],
    /** The client of the Step Functions integrations' calls (`call`), signed as them. Default: `json`. */
    private readonly integrations: DynamoDBJsonClient = json,
  ) {}

  async create(): Promise<void> {
    await Promise.all(this.specs.map((spec) => this.json.call("CreateTable", createTableInput(spec))));
  }

  /** Deletes and re-creates every table: an empty start. */
  async reset(): Promise<void> {
    await Promise.all(
      this.specs.map((spec) => this.json.call("DeleteTable", { TableName: spec.name }).catch(() => undefined)),
    );
    await this.create();
  }

  /** A DynamoDB API call with the request as the API takes it; errors carry DynamoDB's exception names. */
  async call(action: string, request: unknown): Promise<Record<string, unknown>> {
    if (!ACTIONS.has(action)) throw new AwsServiceError("ValidationException", `${action} is not supported locally`);
    return this.integrations.call(action, request);
  }

  /** Reads one item as plain JSON (strongly consistent). */
  async getItem(tableName: string, key: Record<string, AttributeValue>): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.json.call<{ Item?: Record<string, AttributeValue> }>("GetItem", {
      TableName: tableName,
      Key: key,
      ConsistentRead: true,
    });
    return Item ? unmarshallItem(Item) : undefined;
  }

  /** Every item of a table, in DynamoDB JSON. */
  async scanRaw(tableName: string): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.json.call<{
        Items?: Record<string, AttributeValue>[];
        LastEvaluatedKey?: Record<string, AttributeValue>;
      }>("Scan", {
        TableName: tableName,
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Every item of every table, as plain JSON, by table name (items sorted by key). */
  async snapshot(): Promise<Record<string, Record<string, unknown>[]>> {
    const out: Record<string, Record<string, unknown>[]> = {};
    for (const spec of this.specs) {
      const items = (await this.scanRaw(spec.name)).map(unmarshallItem);
      const key = (i: Record<string, unknown>) =>
        `${String(i[spec.hashKey])}\u0000${spec.rangeKey ? String(i[spec.rangeKey]) : ""}`;
      out[spec.name] = items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    }
    return out;
  }

  /** Deletes the items whose TTL attribute (epoch seconds) is in the past; returns how many. */
  async sweepExpired(nowSeconds = Date.now() / 1000): Promise<number> {
    let deleted = 0;
    for (const spec of this.specs) {
      if (!spec.ttlAttribute) continue;
      for (const item of await this.scanRaw(spec.name)) {
        const ttl = item[spec.ttlAttribute];
        if (!ttl || !("N" in ttl) || Number(ttl.N) > nowSeconds) continue;
        const key: Record<string, AttributeValue> = { [spec.hashKey]: item[spec.hashKey] as AttributeValue };
        if (spec.rangeKey) key[spec.rangeKey] = item[spec.rangeKey] as AttributeValue;
        await this.json.call("DeleteItem", { TableName: spec.name, Key: key });
        deleted++;
      }
    }
    return deleted;
  }

  /** Sweeps expired items every `intervalMs` until `stop()`. */
  startTtlSweeper(intervalMs = 30_000): void {
    if (this.timer || !this.specs.some((s) => s.ttlAttribute)) return;
    this.timer = setInterval(() => void this.sweepExpired().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
