/** An UpdateItem expression with its placeholders; merge extra condition placeholders into it. */
export interface UpdateParts {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/**
 * Builds `SET #u0 = :u0, ... REMOVE #r0, ...` with every attribute name aliased (DynamoDB reserves
 * words such as `status`). `undefined` values are skipped, not written.
 */
export function buildUpdate(set: Record<string, unknown>, remove: readonly string[] = []): UpdateParts {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  Object.entries(set)
    .filter(([, value]) => value !== undefined)
    .forEach(([name, value], i) => {
      names[`#u${i}`] = name;
      values[`:u${i}`] = value;
      sets.push(`#u${i} = :u${i}`);
    });
  const removes = remove.map((name, i) => {
    names[`#r${i}`] = name;
    return `#r${i}`;
  });
  const clauses = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''];
  const expression = clauses.filter(Boolean).join(' ');
  if (!expression) throw new Error('buildUpdate: nothing to update');
  return { UpdateExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}
