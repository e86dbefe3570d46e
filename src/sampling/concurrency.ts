/** Runs tasks with at most `limit` in flight (0: no limit); results keep the tasks' order. */
export function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (limit === 0) return (task) => task();
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
