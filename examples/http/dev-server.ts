// The shared example server as a file `fastmcp-ts dev` (or `run`) can serve:
//   npx tsx src/cli/main.ts dev examples/http/dev-server.ts
import { buildServer } from "./shared-server.js";

export default buildServer();
