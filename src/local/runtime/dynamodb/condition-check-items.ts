/**
 * Teaches dynalite `ReturnValuesOnConditionCheckFailure` on PutItem, UpdateItem and DeleteItem: with
 * `ALL_OLD`, a ConditionalCheckFailedException carries the item as it was (`Item`, DynamoDB JSON),
 * taken under the same item lock as the failed condition, so it is the item the condition was judged
 * on; no `Item` when there was none. `NONE` (the default) carries nothing. dynalite 4 otherwise drops
 * the member as unknown. API reference:
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html
 * ("ReturnValuesOnConditionCheckFailure ... Valid Values: ALL_OLD | NONE"; the same in UpdateItem and
 * DeleteItem).
 *
 * `load` is `require` and `dynaliteMain` is `require.resolve("dynalite")`. Self-contained (no imports,
 * no closure): dynalite's worker thread runs its source. Idempotent.
 */
export function returnItemOnConditionCheckFailure(load: (path: string) => unknown, dynaliteMain: string): void {
  type CheckConditional = ((data: Record<string, unknown>, existingItem: unknown) => unknown) & { withItem?: true };
  const dir = dynaliteMain.slice(0, Math.max(dynaliteMain.lastIndexOf("/"), dynaliteMain.lastIndexOf("\\")));
  for (const action of ["putItem", "updateItem", "deleteItem"]) {
    const validation = load(`${dir}/validations/${action}`) as { types: Record<string, unknown> };
    validation.types.ReturnValuesOnConditionCheckFailure = { type: "String", enum: ["ALL_OLD", "NONE"] };
  }
  const db = load(`${dir}/db`) as { checkConditional: CheckConditional };
  const checkConditional = db.checkConditional;
  if (checkConditional.withItem) return;
  const withItem: CheckConditional = (data, existingItem) => {
    const failure = checkConditional(data, existingItem) as { body?: Record<string, unknown> } | null | undefined;
    if (failure?.body && existingItem && data.ReturnValuesOnConditionCheckFailure === "ALL_OLD")
      failure.body.Item = existingItem;
    return failure;
  };
  withItem.withItem = true;
  db.checkConditional = withItem;
}
