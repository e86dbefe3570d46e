import {
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  MissingRequiredClientCapabilityError,
  ProtocolError,
  ProtocolErrorCode,
  type Server,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { anyObject } from "../schema.js";
import type { TaskEngine } from "./task-runner.js";
import { declaresTasks } from "./task-tool.js";
import { TASKS_EXTENSION } from "./types.js";

/**
 * Any params object: the handlers check the fields themselves, after the capability gate, so a
 * client without the extension learns that first (-32021) whatever it sent.
 */
const ANY_PARAMS = anyObject("params must be an object");

/**
 * Serves `tasks/get`, `tasks/update` and `tasks/cancel` on a 2026-07-28 server and declares the
 * extension. `tasks/result` and `tasks/list` (removed by SEP-2663) stay unknown methods (-32601).
 */
export function installTaskHandlers(
  server: Server,
  engine: TaskEngine,
  ownerOf: (sdk: ServerContext) => string,
): void {
  server.registerCapabilities({ extensions: { [TASKS_EXTENSION]: {} } } as never);
  const gate = (sdk: ServerContext) => {
    const capabilities = sdk.mcpReq.envelope?.[CLIENT_CAPABILITIES_META_KEY as never] as
      | ClientCapabilities
      | undefined;
    if (!declaresTasks(capabilities)) {
      throw new MissingRequiredClientCapabilityError(
        { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } } as never,
        `tasks/* needs the ${TASKS_EXTENSION} extension declared in the request's client capabilities`,
      );
    }
    return ownerOf(sdk);
  };
  server.setRequestHandler("tasks/get", { params: ANY_PARAMS }, async (params, sdk) => {
    const owner = gate(sdk);
    return { ...(await engine.get(params.taskId, owner)) };
  });
  server.setRequestHandler("tasks/update", { params: ANY_PARAMS }, async (params, sdk) => {
    const owner = gate(sdk);
    // The SDK lifts `inputResponses` out of every 2026-07-28 request's params (it is the MRTR field).
    const responses = sdk.mcpReq.inputResponses;
    if (responses === undefined) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        "tasks/update needs inputResponses: an object",
      );
    }
    await engine.update(params.taskId, owner, responses);
    return {};
  });
  server.setRequestHandler("tasks/cancel", { params: ANY_PARAMS }, async (params, sdk) => {
    const owner = gate(sdk);
    await engine.cancel(params.taskId, owner);
    return {};
  });
}
