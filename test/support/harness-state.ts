/** Shared between global setup and teardown (same process). */
export const harness: { embedded?: { dirs: string[]; stop(): Promise<void> } } = {};
