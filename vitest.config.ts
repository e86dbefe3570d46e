import { defineConfig } from "vitest/config";

// Two projects, chosen by what a file does, not by its folder:
// - unit: no process started, no port opened, no socket connected — everything in memory, a few
//   seconds in all (`npm run test:unit`). test/helpers/unit-guard.ts refuses a process or a socket
//   there and fails the test that tried, so a file cannot stay listed here once it needs one.
// - e2e: everything else — spawned stdio servers, HTTP on 127.0.0.1, fake provider servers, the CLI,
//   tmux, the built package. A new test file lands here unless it is listed below.
// `npm test` runs both. Real Redis/nginx/haproxy: npm run test:cluster (vitest.cluster.config.ts).
const UNIT_TESTS = [
  "test/cli/host-paths.test.ts",
  "test/core/architecture.test.ts",
  "test/core/model-selection.test.ts",
  "test/core/tool-error-policy.test.ts",
  "test/human/human-handler.test.ts",
  "test/human/with-approval.test.ts",
  "test/property/*.property.test.ts",
  "test/reliability/invalid-client-answer.test.ts",
  "test/sampling-tools/tool-ordering.test.ts",
  "test/sampling-tools/units.test.ts",
  "test/security/completion-keys.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: UNIT_TESTS, setupFiles: ["./test/helpers/unit-guard.ts"] },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/**/*.test.ts"],
          exclude: [...UNIT_TESTS, "test/cluster/**", "**/node_modules/**"],
        },
      },
    ],
  },
});
