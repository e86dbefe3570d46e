export interface HttpRunOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8000; 0 picks a free port. */
  port?: number;
  /** Default "/mcp". */
  path?: string;
}

export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}
