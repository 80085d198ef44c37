/** Thrown by `create` methods when an item with that key already exists (conditional put failed). */
export class ItemAlreadyExistsError extends Error {
  constructor(readonly key: string) {
    super(`item ${key} already exists`);
    this.name = 'ItemAlreadyExistsError';
  }
}

function errorName(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : undefined;
}

/** The condition of a conditional write did not hold (DynamoDB `ConditionalCheckFailedException`). */
export function isConditionalCheckFailed(err: unknown): boolean {
  return errorName(err) === 'ConditionalCheckFailedException';
}

/** CreateTable on a table that already exists (or is being created/deleted). */
export function isResourceInUse(err: unknown): boolean {
  return errorName(err) === 'ResourceInUseException';
}

/** DescribeTable on a missing table. */
export function isResourceNotFound(err: unknown): boolean {
  return errorName(err) === 'ResourceNotFoundException';
}

/** The engine does not implement the operation (dynalite: UpdateTimeToLive). */
export function isUnknownOperation(err: unknown): boolean {
  return errorName(err) === 'UnknownOperationException';
}

/** The request was refused as invalid for the table's current state (e.g. UpdateTimeToLive on an enabled TTL). */
export function isValidationError(err: unknown): boolean {
  return errorName(err) === 'ValidationException';
}
