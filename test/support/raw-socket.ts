import WebSocket from "ws";
import { deferred, within, type Deferred } from "./deferred.js";

/** A graphql-transport-ws message as the server sends it. */
export interface WsMessage {
  readonly type: string;
  readonly id?: string;
  readonly payload?: unknown;
}

/**
 * A bare graphql-transport-ws socket, for probes a well-behaved client (graphql-ws's own) will
 * not send: oversized messages, hundreds of subscribes, exact close codes. Waits on events only.
 */
export class RawSocket {
  readonly messages: WsMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly socket: WebSocket;
  private readonly opened: Promise<void>;
  private waiters: { match: (m: WsMessage) => boolean; done: Deferred<WsMessage> }[] = [];

  constructor(gatewayUrl: string) {
    this.socket = new WebSocket(`${gatewayUrl.replace("http", "ws")}/graphql`, "graphql-transport-ws");
    const opened = deferred<void>();
    const closed = deferred<{ code: number; reason: string }>();
    this.opened = opened.promise;
    this.closed = closed.promise;
    this.socket.on("open", () => opened.resolve());
    this.socket.on("error", () => undefined); // the close event says what happened
    this.socket.on("close", (code, reason) => {
      opened.reject(new Error(`socket closed before opening (${code})`));
      closed.resolve({ code, reason: reason.toString() });
      for (const w of this.waiters)
        w.done.reject(new Error(`socket closed (${code} ${reason.toString()}) while waiting`));
      this.waiters = [];
    });
    this.opened.catch(() => undefined);
    this.socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as WsMessage;
      this.messages.push(message);
      const ready = this.waiters.filter((w) => w.match(message));
      this.waiters = this.waiters.filter((w) => !w.match(message));
      for (const w of ready) w.done.resolve(message);
    });
  }

  async send(message: unknown): Promise<void> {
    await this.opened;
    await new Promise<void>((resolve, reject) =>
      this.socket.send(typeof message === "string" ? message : JSON.stringify(message), (e) =>
        e ? reject(e) : resolve(),
      ),
    );
  }

  /** connection_init with the token; resolves on connection_ack, rejects if the socket closes. */
  async init(token: string): Promise<void> {
    await this.send({ type: "connection_init", payload: { authorization: `Bearer ${token}` } });
    await this.next((m) => m.type === "connection_ack", "connection_ack");
  }

  subscribe(id: string, query: string, variables: Record<string, unknown> = {}): Promise<void> {
    return this.send({ id, type: "subscribe", payload: { query, variables } });
  }

  /** The first message (already received or to come) that matches. */
  next(match: (m: WsMessage) => boolean, what: string, ms = 10_000): Promise<WsMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    const done = deferred<WsMessage>();
    this.waiters.push({ match, done });
    return within(done.promise, ms, what);
  }

  close(): void {
    this.socket.close(1000);
  }
}
