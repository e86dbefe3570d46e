import type {
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from "@modelcontextprotocol/client";

/** What an OAuth login leaves behind for one server: its registration, tokens and discovery results. */
export interface OAuthClientState {
  clientInformation?: StoredOAuthClientInformation;
  tokens?: StoredOAuthTokens;
  discovery?: OAuthDiscoveryState;
  resource?: string;
}

/** Where that state lives between runs (the CLI keeps it in a file per server); default: memory only. */
export interface OAuthStateStore {
  load(): OAuthClientState | undefined | Promise<OAuthClientState | undefined>;
  save(state: OAuthClientState): void | Promise<void>;
}

export function memoryStateStore(initial: OAuthClientState = {}): OAuthStateStore {
  let state = initial;
  return {
    load: () => state,
    save: (next) => {
      state = next;
    },
  };
}
