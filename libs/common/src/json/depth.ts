/**
 * JSON from clients is parsed without a depth limit (V8's parser is iterative),
 * but class-transformer, JSON.stringify and friends recurse and overflow the
 * stack on a few thousand levels. Readings are flat, so anything deeper than
 * this is refused before such code sees it.
 */
export const MAX_JSON_DEPTH = 32;

/** Whether arrays/objects in `value` nest deeper than `max` levels. Iterative: safe at any depth. */
export function nestsDeeperThan(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ v: object; depth: number }> = [];
  if (typeof value === 'object' && value !== null) stack.push({ v: value, depth: 1 });
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (depth > max) return true;
    for (const child of Object.values(v) as unknown[]) {
      if (typeof child === 'object' && child !== null) stack.push({ v: child, depth: depth + 1 });
    }
  }
  return false;
}
