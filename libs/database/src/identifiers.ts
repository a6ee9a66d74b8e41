import { IDENTIFIER_PATTERN } from '@iot/contracts';

/**
 * Every PostgreSQL identifier built from data (database names, per-variable
 * tables) goes through here: checked against the one identifier pattern, then
 * double-quoted, so a reserved word or a catalog-like name is just a name.
 */
export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER_PATTERN.test(name)) {
    throw new Error(`Unsafe SQL identifier "${name}": must match ${IDENTIFIER_PATTERN.source}`);
  }
  return `"${name}"`;
}
