// A Client that logs in with OAuth when the server asks (401): discovery, registration, PKCE and
// the token requests are the SDK's; this file supplies the browser step and where tokens live.
//   npx tsx examples/oauth/login-client.ts http://127.0.0.1:8000/mcp
import { createServer } from "node:http";
import { Client } from "../../src/index.js";

const url = process.argv[2] ?? "http://127.0.0.1:8000/mcp";
const redirectUrl = "http://127.0.0.1:8765/callback";

/** Prints the login URL and waits for the browser to come back to the loopback redirect. */
function authorize(authorizationUrl: URL): Promise<URL> {
  return new Promise((resolve) => {
    const callback = createServer((request, response) => {
      response.end("Logged in; you can close this tab.");
      callback.close();
      resolve(new URL(request.url ?? "/", redirectUrl));
    }).listen(8765, "127.0.0.1");
    console.log(`Open ${authorizationUrl.href}`);
  });
}

const client = new Client(url, {
  auth: { authorize, redirectUrl, clientName: "login example" },
  samplingHandler: () => "A summary from the client's model.",
});
await client.connect();
console.log(await client.listTools());
await client.close();
