import type { ContextValue } from "./policy";

/** One authorization a served call needs: action, resource ARN and the call's own condition keys. */
export interface RequiredPermission {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, ContextValue>>;
}

/** A table a DynamoDB request names: with the index it reads, or the item operation of a transaction. */
export type DynamoDbTableRef = readonly [operation: string, table: string, index: string];

/** The member names of TransactWriteItems / TransactGetItems and the actions they need. */
const TRANSACT_ACTIONS: Readonly<Record<string, string>> = {
  Put: "PutItem",
  Update: "UpdateItem",
  Delete: "DeleteItem",
  ConditionCheck: "ConditionCheckItem",
  Get: "GetItem",
};

/**
 * The tables a DynamoDB JSON request names, as `[operation, table, index]`: `TableName` (with
 * `IndexName`), the keys of `RequestItems` (BatchGetItem, BatchWriteItem), or each member of
 * `TransactItems`. Self-contained (no imports, no closure): dynalite's worker thread runs its source.
 */
export function dynamoDbTableRefs(operation: string, body: unknown): DynamoDbTableRef[] {
  if (!body || typeof body !== "object") return [];
  const b = body as { TableName?: unknown; IndexName?: unknown; RequestItems?: unknown; TransactItems?: unknown };
  if (typeof b.TableName === "string")
    return [[operation, b.TableName, typeof b.IndexName === "string" ? b.IndexName : ""]];
  if (b.RequestItems && typeof b.RequestItems === "object")
    return Object.keys(b.RequestItems)
      .sort()
      .map((t): DynamoDbTableRef => [operation, t, ""]);
  if (Array.isArray(b.TransactItems)) {
    return b.TransactItems.map((item: Record<string, { TableName?: unknown }>): DynamoDbTableRef => {
      const member = Object.keys(item ?? {})[0] ?? "";
      return [member, String(item[member]?.TableName), ""];
    });
  }
  return [];
}

/**
 * What a DynamoDB request needs, per the Service Authorization Reference for DynamoDB: the
 * operation's action on each table it names (`table/<name>`, or `table/<name>/index/<index>` for a
 * Query or Scan of an index); a transaction needs its members' item actions; an operation naming no
 * table (ListTables) is authorized on `*`.
 */
export function dynamoDbPermissions(
  operation: string,
  refs: readonly DynamoDbTableRef[],
  account: { readonly accountId: string; readonly region: string },
): RequiredPermission[] {
  const tableArn = (table: string) => `arn:aws:dynamodb:${account.region}:${account.accountId}:table/${table}`;
  if (refs.length === 0) return [{ action: `dynamodb:${operation}`, resource: "*" }];
  const transact = operation === "TransactWriteItems" || operation === "TransactGetItems";
  return refs.map(([op, table, index]) => ({
    action: `dynamodb:${transact ? (TRANSACT_ACTIONS[op] ?? op) : op}`,
    resource: index ? `${tableArn(table)}/index/${index}` : tableArn(table),
  }));
}

/**
 * What one PutEvents entry needs: events:PutEvents on the bus, with `events:source` and
 * `events:detail-type` set from the entry (EventBridge user guide, "Using IAM policy conditions").
 */
export function putEventsPermission(
  entry: { readonly Source?: string; readonly DetailType?: string },
  busArn: string,
): RequiredPermission {
  return {
    action: "events:PutEvents",
    resource: busArn,
    context: {
      ...(entry.Source ? { "events:source": entry.Source } : {}),
      ...(entry.DetailType ? { "events:detail-type": entry.DetailType } : {}),
    },
  };
}

/** The condition keys a service sets when it calls on behalf of a resource (a rule): aws:SourceArn, aws:SourceAccount. */
export function sourceContext(sourceArn: string, accountId: string): Record<string, string> {
  return { "aws:SourceArn": sourceArn, "aws:SourceAccount": accountId };
}
