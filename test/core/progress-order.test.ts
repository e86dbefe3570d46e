// Wire order: a progress notification and the result it precedes, read in one chunk, both reach the caller.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Client } from "../../src/index.js";

const SERVER = fileURLToPath(new URL("../fixtures/same-read-progress-server.mjs", import.meta.url));

describe("progress before a result in the same read", () => {
  it("reaches onProgress before callTool resolves", async () => {
    await using client = await new Client({ command: process.execPath, args: [SERVER] }).connect();
    for (let i = 0; i < 20; i++) {
      const progress: unknown[] = [];
      const result = await client.callTool("any", {}, { onProgress: (p) => progress.push(p) });
      expect(result.text).toBe("done");
      // No waiting: the notification was on the wire before the result, so it was handled first.
      expect(progress).toEqual([{ progress: 1, total: 1 }]);
    }
  });
});
