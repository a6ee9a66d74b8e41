/**
 * PostgreSQL identifiers built from data (database names, per-variable tables)
 * must pass this check and are always double-quoted: lower-case ASCII, starting
 * with a letter, at most 63 bytes (PostgreSQL's NAMEDATALEN - 1).
 */
export const IDENTIFIER_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER_PATTERN.test(name)) {
    throw new Error(`Unsafe SQL identifier "${name}": must match ${IDENTIFIER_PATTERN.source}`);
  }
  return `"${name}"`;
}
