/**
 * ADD expressions built from a list of counters (a campaign's stats): DynamoDB refuses any
 * expression string over 4 KB (ValidationException: nothing applied), and a list of names grows
 * with what users name. So the clauses are cut into as many expressions as keep each within the
 * limit; the names themselves travel as substitutions (`#c0`), which the 4 KB does not count.
 */

/** DynamoDB's limit on the length of any expression string (UpdateExpression, ConditionExpression...). */
export const MAX_EXPRESSION_BYTES = 4096;

export interface AddExpression {
  readonly UpdateExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, number>;
}

/**
 * `ADD #c0 :c0, #c1 :c1, ...` for every non-zero delta, in expressions of at most `maxBytes` each
 * (none for no delta). The names are disjoint across them: each counter is added by exactly one.
 */
export function addExpressions(
  deltas: Readonly<Record<string, number>>,
  maxBytes: number = MAX_EXPRESSION_BYTES,
): AddExpression[] {
  const out: AddExpression[] = [];
  let clauses: string[] = [];
  let names: Record<string, string> = {};
  let values: Record<string, number> = {};
  let length = 'ADD '.length;
  const flush = () => {
    if (clauses.length === 0) return;
    out.push({
      UpdateExpression: `ADD ${clauses.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
    clauses = [];
    names = {};
    values = {};
    length = 'ADD '.length;
  };
  for (const [name, by] of Object.entries(deltas)) {
    if (by === 0) continue;
    // ', ' before every clause but the first. Placeholders are ASCII: characters are bytes.
    if (clauses.length > 0 && length + 2 + `#c${clauses.length} :c${clauses.length}`.length > maxBytes) flush();
    const i = clauses.length;
    const clause = `#c${i} :c${i}`;
    names[`#c${i}`] = name;
    values[`:c${i}`] = by;
    length += (i > 0 ? 2 : 0) + clause.length;
    clauses.push(clause);
  }
  flush();
  return out;
}
