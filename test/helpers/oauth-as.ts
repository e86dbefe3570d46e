// A small but real OAuth 2.1 authorization server on loopback, for the OAuth tests: metadata
// (RFC 8414), dynamic registration (RFC 7591), client ID metadata documents, authorization code +
// PKCE (S256) with automatic consent, refresh tokens, client credentials, JWT access tokens signed
// with its own key (JWKS), and introspection (RFC 7662). Everything it did is recorded for assertions.
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";

export interface AuthorizationRequestSeen {
  clientId: string;
  scope: string | undefined;
  resource: string | undefined;
  redirectUri: string;
}

export interface TestAuthorizationServer {
  issuer: string;
  jwksUri: string;
  introspectionEndpoint: string;
  /** A JWT access token signed by this server (defaults: sub user-1, 5 minutes). */
  mint(claims: JWTPayload & { scope?: string }): Promise<string>;
  /** An opaque token that only introspection knows. */
  opaque(claims: Record<string, unknown>): string;
  authorizations: AuthorizationRequestSeen[];
  tokenRequests: Array<Record<string, string>>;
  registrations: Array<Record<string, unknown>>;
  /** Pre-register a client (a "pre-registered client" as a host would configure it). */
  registerClient(client: { client_id: string; client_secret?: string; redirect_uris: string[] }): void;
  /** Scopes granted for a request: by default exactly the requested ones. */
  grant: (requested: string[]) => string[];

  close(): Promise<void>;
}

interface Client {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
}

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string[];
  resource: string | undefined;
}

async function readForm(request: IncomingMessage): Promise<Record<string, string>> {
  let body = "";
  for await (const chunk of request) body += chunk;
  if ((request.headers["content-type"] ?? "").includes("application/json")) return JSON.parse(body);
  return Object.fromEntries(new URLSearchParams(body));
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  response.end(JSON.stringify(value));
}

export async function startAuthorizationServer(
  options: { accessTokenSeconds?: number } = {},
): Promise<TestAuthorizationServer> {
  const { publicKey, privateKey } = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "ES256", use: "sig" };
  const clients = new Map<string, Client>();
  const codes = new Map<string, CodeGrant>();
  const refreshTokens = new Map<
    string,
    { clientId: string; scope: string[]; resource: string | undefined }
  >();
  const opaqueTokens = new Map<string, Record<string, unknown>>();
  let issuer = "";

  const mint = async (claims: JWTPayload & { scope?: string }) =>
    new SignJWT({ sub: "user-1", ...claims })
      .setProtectedHeader({ alg: "ES256", kid: "test-key" })
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime(claims.exp ?? `${options.accessTokenSeconds ?? 300}s`)
      .sign(privateKey);

  const as: TestAuthorizationServer = {
    issuer: "",
    jwksUri: "",
    introspectionEndpoint: "",
    mint,
    opaque(claims) {
      const token = `opaque-${randomUUID()}`;
      opaqueTokens.set(token, claims);
      return token;
    },
    authorizations: [],
    tokenRequests: [],
    registrations: [],
    registerClient(client) {
      clients.set(client.client_id, client);
    },
    grant: (requested) => requested,
    close: async () => {},
  };

  /** A client by id: registered, or (CIMD) an https/http URL whose metadata document is fetched. */
  async function clientById(id: string): Promise<Client | undefined> {
    const known = clients.get(id);
    if (known !== undefined) return known;
    if (!/^https?:\/\//.test(id)) return undefined;
    const document = (await (await fetch(id)).json()) as Client;
    if (document.client_id !== id) return undefined;
    clients.set(id, document);
    return document;
  }

  async function issueTokens(clientId: string, scope: string[], resource: string | undefined) {
    const refresh = `refresh-${randomUUID()}`;
    refreshTokens.set(refresh, { clientId, scope, resource });
    const access = await mint({
      client_id: clientId,
      scope: scope.join(" "),
      ...(resource !== undefined && { aud: resource }),
    });
    return {
      access_token: access,
      token_type: "Bearer",
      expires_in: options.accessTokenSeconds ?? 300,
      refresh_token: refresh,
      scope: scope.join(" "),
    };
  }

  function clientAuth(request: IncomingMessage, form: Record<string, string>) {
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? "");
    if (basic !== null) {
      const [id, secret] = Buffer.from(basic[1]!, "base64").toString().split(":").map(decodeURIComponent);
      return { id: id!, secret };
    }
    return { id: form.client_id ?? "", secret: form.client_secret };
  }

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", issuer);
    try {
      if (
        url.pathname === "/.well-known/oauth-authorization-server" ||
        url.pathname === "/.well-known/openid-configuration"
      ) {
        return json(response, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          registration_endpoint: `${issuer}/register`,
          jwks_uri: `${issuer}/jwks`,
          introspection_endpoint: `${issuer}/introspect`,
          response_types_supported: ["code"],
          grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
          code_challenge_methods_supported: ["S256"],
          token_endpoint_auth_methods_supported: ["none", "client_secret_basic", "client_secret_post"],
          client_id_metadata_document_supported: true,
          scopes_supported: ["mcp:tools", "mcp:admin"],
        });
      }
      if (url.pathname === "/jwks") return json(response, 200, { keys: [jwk] });
      if (url.pathname === "/register" && request.method === "POST") {
        const metadata = await readForm(request);
        as.registrations.push(metadata);
        const client: Client = {
          client_id: `dyn-${randomUUID()}`,
          redirect_uris: (metadata.redirect_uris as unknown as string[]) ?? [],
          ...(metadata.token_endpoint_auth_method !== "none" && { client_secret: randomUUID() }),
        };
        clients.set(client.client_id, client);
        return json(response, 201, {
          ...metadata,
          ...client,
          client_id_issued_at: Math.floor(Date.now() / 1000),
        });
      }
      if (url.pathname === "/authorize") {
        const q = url.searchParams;
        const client = await clientById(q.get("client_id") ?? "");
        const redirectUri = q.get("redirect_uri") ?? "";
        if (client === undefined || !client.redirect_uris.includes(redirectUri))
          return json(response, 400, {
            error: "invalid_request",
            error_description: "unknown client or redirect_uri",
          });
        if (
          q.get("response_type") !== "code" ||
          q.get("code_challenge_method") !== "S256" ||
          !q.get("code_challenge")
        )
          return json(response, 400, {
            error: "invalid_request",
            error_description: "code + PKCE S256 required",
          });
        const requested = (q.get("scope") ?? "").split(" ").filter(Boolean);
        as.authorizations.push({
          clientId: client.client_id,
          scope: q.get("scope") ?? undefined,
          resource: q.get("resource") ?? undefined,
          redirectUri,
        });
        const code = `code-${randomUUID()}`;
        codes.set(code, {
          clientId: client.client_id,
          redirectUri,
          challenge: q.get("code_challenge")!,
          scope: as.grant(requested),
          resource: q.get("resource") ?? undefined,
        });
        const back = new URL(redirectUri);
        back.searchParams.set("code", code);
        if (q.get("state") !== null) back.searchParams.set("state", q.get("state")!);
        back.searchParams.set("iss", issuer);
        response.writeHead(302, { location: back.href });
        return response.end();
      }
      if (url.pathname === "/token" && request.method === "POST") {
        const form = await readForm(request);
        as.tokenRequests.push(form);
        const { id, secret } = clientAuth(request, form);
        const client = await clientById(id);
        if (client === undefined || (client.client_secret !== undefined && client.client_secret !== secret))
          return json(response, 401, { error: "invalid_client" });
        if (form.grant_type === "authorization_code") {
          const grant = codes.get(form.code ?? "");
          codes.delete(form.code ?? "");
          const verifier = createHash("sha256")
            .update(form.code_verifier ?? "")
            .digest("base64url");
          if (
            grant === undefined ||
            grant.clientId !== id ||
            grant.redirectUri !== form.redirect_uri ||
            grant.challenge !== verifier
          )
            return json(response, 400, { error: "invalid_grant" });
          return json(response, 200, await issueTokens(id, grant.scope, form.resource ?? grant.resource));
        }
        if (form.grant_type === "refresh_token") {
          const grant = refreshTokens.get(form.refresh_token ?? "");
          refreshTokens.delete(form.refresh_token ?? "");
          if (grant === undefined || grant.clientId !== id)
            return json(response, 400, { error: "invalid_grant" });
          return json(response, 200, await issueTokens(id, grant.scope, form.resource ?? grant.resource));
        }
        if (form.grant_type === "client_credentials") {
          const scope = as.grant((form.scope ?? "").split(" ").filter(Boolean));
          const tokens = await issueTokens(id, scope, form.resource);
          return json(response, 200, { ...tokens, refresh_token: undefined });
        }
        return json(response, 400, { error: "unsupported_grant_type" });
      }
      if (url.pathname === "/introspect" && request.method === "POST") {
        const form = await readForm(request);
        const claims = opaqueTokens.get(form.token ?? "");
        return json(response, 200, claims === undefined ? { active: false } : { active: true, ...claims });
      }
      json(response, 404, { error: "not_found" });
    } catch (error) {
      json(response, 500, { error: "server_error", error_description: String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  as.issuer = issuer;
  as.jwksUri = `${issuer}/jwks`;
  as.introspectionEndpoint = `${issuer}/introspect`;
  as.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return as;
}
