import type { Server } from "@modelcontextprotocol/server";

/**
 * Resource subscriptions of 2025-era sessions (`resources/subscribe`). Revision 2026-07-28 removed
 * the method, so only sessions register here. `notify(uri)` tells every subscribed session.
 */
export class ResourceSubscriptions {
  private readonly sessions = new Map<Server, Set<string>>();
  /** Shared-session handlers: they deliver to sessions whose subscriptions live in a session store. */
  private readonly relays = new Set<(uri: string) => Promise<void>>();

  /** Registers the subscribe/unsubscribe handlers on one session's server. */
  install(server: Server): void {
    const uris = new Set<string>();
    this.sessions.set(server, uris);
    const previous = server.onclose;
    server.onclose = () => {
      this.sessions.delete(server);
      previous?.();
    };
    server.setRequestHandler("resources/subscribe", (request) => {
      uris.add(request.params.uri);
      return {};
    });
    server.setRequestHandler("resources/unsubscribe", (request) => {
      uris.delete(request.params.uri);
      return {};
    });
  }

  /** Sends `notifications/resources/updated` to every session subscribed to `uri`. */
  async notify(uri: string): Promise<void> {
    const sends = [...this.sessions]
      .filter(([, uris]) => uris.has(uri))
      .map(([server]) => server.sendResourceUpdated({ uri }).catch(() => undefined));
    for (const relay of this.relays) sends.push(relay(uri).catch(() => undefined));
    await Promise.all(sends);
  }

  /** Leaves a session's server to a relay (its subscriptions are kept elsewhere). */
  forget(server: Server): void {
    this.sessions.delete(server);
  }

  /** Adds a relay `notify` calls too; returns its removal. */
  relay(deliver: (uri: string) => Promise<void>): () => void {
    this.relays.add(deliver);
    return () => this.relays.delete(deliver);
  }

  /** How many sessions subscribe to `uri`. */
  count(uri: string): number {
    return [...this.sessions.values()].filter((uris) => uris.has(uri)).length;
  }
}
