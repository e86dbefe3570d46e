import type { Server } from "@modelcontextprotocol/server";

/**
 * Resource subscriptions of 2025-era sessions (`resources/subscribe`). Revision 2026-07-28 removed
 * the method, so only sessions register here. `notify(uri)` tells every subscribed session.
 */
export class ResourceSubscriptions {
  private readonly sessions = new Map<Server, Set<string>>();

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
    await Promise.all(sends);
  }

  /** How many sessions subscribe to `uri`. */
  count(uri: string): number {
    return [...this.sessions.values()].filter((uris) => uris.has(uri)).length;
  }
}
