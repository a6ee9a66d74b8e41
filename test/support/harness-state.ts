/** Shared between global setup and teardown (same process). */
export const harness: { embedded?: { dir: string; stop(): Promise<void> } } = {};
