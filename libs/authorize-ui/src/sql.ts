/**
 * TypeORM's postgres `query()` answers UPDATE/DELETE … RETURNING with `[rows, rowCount]` but INSERT and
 * SELECT with the rows alone: this reads the rows out of either.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
