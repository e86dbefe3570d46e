import { defineConfig } from "vitest/config";

// The cluster suite (npm run test:cluster): real redis-server, nginx and haproxy, several server
// processes. Its own project, run by .ci/run after the default suite.
export default defineConfig({
  test: {
    include: ["test/cluster/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: "forks",
    // One file at a time: each starts its own processes, and the machine has few cores.
    fileParallelism: false,
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
