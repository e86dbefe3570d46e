import type { TaskInput } from "./task-runner.js";

/** What a detached call continues with: the task's input channel and its cancel signal. */
export interface Handoff {
  input: TaskInput;
  signal: AbortSignal;
}

// Kept beside the Context rather than in it, so Context needs no task machinery of its own.
const hooks = new WeakMap<object, () => Promise<Handoff>>();

export function setDetachHook(ctx: object, hook: () => Promise<Handoff>): void {
  hooks.set(ctx, hook);
}

/** The hook of a call that may still become a task; taken once. */
export function takeDetachHook(ctx: object): (() => Promise<Handoff>) | undefined {
  const hook = hooks.get(ctx);
  hooks.delete(ctx);
  return hook;
}
