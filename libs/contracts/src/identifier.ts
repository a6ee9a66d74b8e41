/**
 * Names that become PostgreSQL identifiers (variable names, per-variable
 * tables, database names): lower-case ASCII, starting with a letter, at most
 * 63 bytes (PostgreSQL's NAMEDATALEN - 1). Variable names on the wire obey the
 * same rule, so a stored variable can always name its own table.
 */
export const IDENTIFIER_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
