/**
 * A TCP relay for the WebSocket tests: forwards connections to a server and can sever them all
 * at once, destroying both TCP sockets without a close frame, which both ends see as a lost
 * connection (1006). Like tests/runtime/websocket/helpers.ts it uses `node:net`, which Deno,
 * Bun and Node all provide; no runtime/ function opens raw TCP connections.
 */
import { connect, createServer, type Socket } from "node:net";

/** A running relay. */
export interface TcpRelay {
  /** `ws://127.0.0.1:<relay port><path>`. */
  url: string;
  /** How many connections the relay has accepted so far. */
  readonly accepted: number;
  /** Settles once the relay has accepted `count` connections in all. */
  accepting(count: number): Promise<void>;
  /** Destroys every open connection, both sides. */
  sever(): void;
  /** Severs and stops listening. */
  close(): Promise<void>;
}

/** Relays to `target` (a `ws://127.0.0.1:<port>/<path>` URL). */
export async function startRelay(target: string): Promise<TcpRelay> {
  const { port, pathname } = new URL(target);
  const open = new Set<Socket>();
  let accepted = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  const track = (socket: Socket): void => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    socket.on("error", () => {});
  };
  const server = createServer((downstream) => {
    accepted++;
    for (const waiter of waiters.filter((w) => w.count <= accepted)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const upstream = connect(Number(port), "127.0.0.1");
    track(downstream);
    track(upstream);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
    downstream.on("close", () => upstream.destroy());
    upstream.on("close", () => downstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const relayPort = typeof address === "object" && address !== null ? address.port : 0;
  const sever = (): void => {
    for (const socket of open) socket.destroy();
  };
  return {
    url: `ws://127.0.0.1:${relayPort}${pathname}`,
    get accepted() {
      return accepted;
    },
    accepting(count) {
      if (accepted >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    sever,
    close() {
      sever();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
