import type {
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from "@modelcontextprotocol/client";
import { FastMCPError } from "../../errors.js";
import { loadClientSdk } from "../../lazy-modules.js";
import { memoryStateStore, type OAuthClientState, type OAuthStateStore } from "./state-store.js";

/** OAuth for an HTTP target: `new Client(url, { auth: { … } })`. */
export interface ClientOAuthOptions {
  /**
   * Sends the user to `authorizationUrl` (a browser) and resolves with the URL the authorization
   * server redirected back to (`redirectUrl?code=…&state=…`). Without it the client authenticates
   * as itself with `client_credentials` (needs `clientId` + `clientSecret`).
   */
  authorize?: (authorizationUrl: URL) => Promise<URL | string>;
  /** The redirect URI registered for this client; required with `authorize` (e.g. a loopback URL). */
  redirectUrl?: string;
  /** Scopes to ask for when the server's challenge and metadata name none. */
  scope?: string;
  /** Shown on the consent screen when the client registers dynamically. Default "fastmcp-ts". */
  clientName?: string;
  /** An HTTPS URL serving this client's metadata document (CIMD), used as its client_id where supported. */
  clientMetadataUrl?: string;
  /** A pre-registered client: its id (and secret, for a confidential client). Skips registration. */
  clientId?: string;
  clientSecret?: string;
  /** How a pre-registered client authenticates at the token endpoint; default from the server's metadata. */
  tokenEndpointAuthMethod?: "none" | "client_secret_basic" | "client_secret_post";
  /** Keeps tokens and registrations between runs; default in memory (login again next run). */
  store?: OAuthStateStore;
}

/**
 * The SDK's `OAuthClientProvider`, driven by `ClientOAuthOptions`. Discovery (RFC 9728, RFC 8414),
 * registration (pre-registered, CIMD, dynamic), scope selection, step-up and the token requests are
 * the SDK's `auth()`; this class stores what it produces and supplies the grant. The grant comes from
 * `prepareTokenRequest`, so the whole login (browser included) happens inside the SDK's 401/403
 * handling and the request that needed it is retried once it is done, step-up included.
 */
export class FastMcpOAuthProvider implements OAuthClientProvider {
  private readonly options: ClientOAuthOptions;
  private readonly store: OAuthStateStore;
  private saved: OAuthClientState | undefined;
  private verifier = "";

  constructor(options: ClientOAuthOptions) {
    if (options.authorize !== undefined && options.redirectUrl === undefined)
      throw new FastMCPError(
        "CONFIG",
        "auth.authorize needs auth.redirectUrl (the URI the browser returns to).",
      );
    if (
      options.authorize === undefined &&
      (options.clientId === undefined || options.clientSecret === undefined)
    )
      throw new FastMCPError(
        "CONFIG",
        "auth needs authorize + redirectUrl (a user logs in), or clientId + clientSecret (client_credentials).",
      );
    this.options = options;
    this.store = options.store ?? memoryStateStore();
  }

  /** Undefined on purpose: the SDK then asks `prepareTokenRequest` for the grant instead of redirecting itself. */
  get redirectUrl(): undefined {
    return undefined;
  }

  get clientMetadataUrl(): string | undefined {
    return this.options.clientMetadataUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    const interactive = this.options.authorize !== undefined;
    return {
      client_name: this.options.clientName ?? "fastmcp-ts",
      redirect_uris: interactive ? [this.options.redirectUrl!] : [],
      grant_types: interactive ? ["authorization_code", "refresh_token"] : ["client_credentials"],
      response_types: interactive ? ["code"] : [],
      token_endpoint_auth_method:
        this.options.tokenEndpointAuthMethod ?? (interactive ? "none" : "client_secret_basic"),
      application_type: "native",
      ...(this.options.scope !== undefined && { scope: this.options.scope }),
    } as OAuthClientMetadata;
  }

  private async current(): Promise<OAuthClientState> {
    this.saved ??= { ...((await this.store.load()) ?? {}) };
    return this.saved;
  }

  private async update(change: Partial<OAuthClientState>): Promise<void> {
    const next = { ...(await this.current()), ...change };
    for (const key of Object.keys(change) as Array<keyof OAuthClientState>)
      if (change[key] === undefined) delete next[key];
    this.saved = next;
    await this.store.save(next);
  }

  async clientInformation(ctx?: { issuer: string }): Promise<StoredOAuthClientInformation | undefined> {
    if (this.options.clientId !== undefined) {
      // Registered at the issuer being asked about (SEP-2352 stamps credentials with their issuer).
      const issuer = ctx?.issuer ?? (await this.current()).discovery?.authorizationServerMetadata?.issuer;
      return {
        client_id: this.options.clientId,
        ...(issuer !== undefined && { issuer }),
        ...(this.options.clientSecret !== undefined && { client_secret: this.options.clientSecret }),
        ...(this.options.tokenEndpointAuthMethod !== undefined && {
          token_endpoint_auth_method: this.options.tokenEndpointAuthMethod,
        }),
      } as StoredOAuthClientInformation;
    }
    return (await this.current()).clientInformation;
  }

  async saveClientInformation(clientInformation: StoredOAuthClientInformation): Promise<void> {
    // A pre-registered client is configuration, not state: only what the server assigned is kept.
    if (this.options.clientId === undefined) await this.update({ clientInformation });
  }

  async tokens(): Promise<StoredOAuthTokens | undefined> {
    return (await this.current()).tokens;
  }

  async saveTokens(tokens: StoredOAuthTokens): Promise<void> {
    const previous = await this.tokens();
    // RFC 6749 §5.1: a response without `scope` granted what was asked for; §6: a refresh that
    // returns no new refresh token leaves the old one valid.
    const scope = tokens.scope ?? this.requestedScope;
    const refresh =
      tokens.refresh_token ?? (this.grant === "refresh_token" ? previous?.refresh_token : undefined);
    if (this.grant === "refresh_token") this.refreshedAccessToken = tokens.access_token;
    await this.update({
      tokens: {
        ...tokens,
        ...(scope !== undefined && { scope }),
        ...(refresh !== undefined && { refresh_token: refresh }),
      },
    });
  }

  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    return (await this.current()).discovery;
  }

  async saveDiscoveryState(discovery: OAuthDiscoveryState): Promise<void> {
    await this.update({ discovery });
  }

  async saveResourceUrl(resource: string): Promise<void> {
    await this.update({ resource });
  }

  async resourceUrl(): Promise<string | undefined> {
    return (await this.current()).resource;
  }

  async invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery"): Promise<void> {
    if (scope === "all")
      await this.update({ tokens: undefined, clientInformation: undefined, discovery: undefined });
    else if (scope === "client") await this.update({ clientInformation: undefined });
    else if (scope === "tokens") await this.update({ tokens: undefined });
    else if (scope === "discovery") await this.update({ discovery: undefined });
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.verifier = codeVerifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }

  redirectToAuthorization(): never {
    throw new FastMCPError("AUTH", "Unexpected redirect: the login runs in prepareTokenRequest.");
  }

  private requestedScope: string | undefined;
  private grant: string | undefined;
  /** The access token the last refresh produced: when the server refuses that one, refreshing again is pointless. */
  private refreshedAccessToken: string | undefined;

  /**
   * The grant for the SDK's token request: a refresh when the stored refresh token covers the scope
   * asked for, client credentials for a client without a user, else the authorization code from a
   * browser login (PKCE S256, state and RFC 9207 `iss` checked).
   */
  async prepareTokenRequest(scope?: string): Promise<URLSearchParams> {
    this.requestedScope = scope;
    if (this.options.authorize === undefined) {
      this.grant = "client_credentials";
      return new URLSearchParams({ grant_type: "client_credentials", ...(scope !== undefined && { scope }) });
    }
    const tokens = await this.tokens();
    if (
      tokens?.refresh_token !== undefined &&
      tokens.access_token !== this.refreshedAccessToken &&
      covers(tokens.scope, scope)
    ) {
      this.grant = "refresh_token";
      return new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    }
    this.grant = "authorization_code";
    return this.login(scope);
  }

  private async login(scope: string | undefined): Promise<URLSearchParams> {
    const { startAuthorization, validateAuthorizationResponseIssuer } = await loadClientSdk();
    const { discovery, resource } = await this.current();
    const clientInformation = await this.clientInformation();
    if (discovery === undefined || clientInformation === undefined)
      throw new FastMCPError("AUTH", "OAuth discovery or client registration is missing before the login.");
    const metadata = discovery.authorizationServerMetadata;
    const state = crypto.randomUUID();
    const { authorizationUrl, codeVerifier } = await startAuthorization(discovery.authorizationServerUrl, {
      metadata,
      clientInformation,
      redirectUrl: this.options.redirectUrl!,
      state,
      ...(scope !== undefined && { scope }),
      ...(resource !== undefined && { resource }),
    });
    this.verifier = codeVerifier;
    const back = new URL(String(await this.options.authorize!(authorizationUrl)));
    const params = back.searchParams;
    if (params.get("error") !== null) {
      const why = params.get("error_description") ?? params.get("error");
      throw new FastMCPError("AUTH", `The authorization server refused the login: ${why}`);
    }
    if (params.get("state") !== state)
      throw new FastMCPError("AUTH", "The login answer does not carry this login's state; ignored it.");
    const code = params.get("code");
    if (code === null) throw new FastMCPError("AUTH", "The login answer has no authorization code.");
    validateAuthorizationResponseIssuer({
      iss: params.get("iss") ?? undefined,
      expectedIssuer: metadata?.issuer,
      issParameterSupported: metadata?.authorization_response_iss_parameter_supported === true,
    });
    return new URLSearchParams({
      grant_type: "authorization_code",
      code,
      code_verifier: codeVerifier,
      redirect_uri: this.options.redirectUrl!,
    });
  }
}

/** Whether a grant of `granted` (space-separated) includes every scope in `wanted`. */
function covers(granted: string | undefined, wanted: string | undefined): boolean {
  if (wanted === undefined || wanted === "") return true;
  const have = new Set((granted ?? "").split(" "));
  return wanted.split(" ").every((scope) => scope === "" || have.has(scope));
}

const providers = new WeakMap<object, OAuthClientProvider>();

/**
 * `auth` as given: our options (one provider per options object, so a reconnect keeps its tokens),
 * or an SDK `OAuthClientProvider` used as it is.
 */
export function toAuthProvider(auth: ClientOAuthOptions | OAuthClientProvider): OAuthClientProvider {
  if ("tokens" in auth && typeof auth.tokens === "function") return auth;
  let provider = providers.get(auth);
  if (provider === undefined) {
    provider = new FastMcpOAuthProvider(auth as ClientOAuthOptions);
    providers.set(auth, provider);
  }
  return provider;
}
