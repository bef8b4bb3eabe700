/**
 * Reads keyed by a name a user (or an AI reply) chose: rule groups, rule ids, weights, custom
 * fields, role types. A plain object inherits `constructor`, `toString`, `valueOf`...: a plain
 * `record[name]` finds a function there for a name the record does not hold.
 */

/** `record[key]` when `record` holds `key` itself, else undefined (never an inherited member). */
export const own = <T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined =>
  record !== undefined && record !== null && Object.hasOwn(record, key) ? record[key] : undefined;
