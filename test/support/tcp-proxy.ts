import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

/**
 * How a cut connection looks to the client.
 * - `refuse`: nothing listens on the port (ECONNREFUSED at once), as when
 *   the server is down and its host says so.
 * - `blackhole`: connections are accepted and never answered, as behind a
 *   firewall that drops packets or a partitioned network: only the
 *   client's own timeouts end them. The nastier case.
 */
export type CutMode = 'refuse' | 'blackhole';

export interface TcpProxy {
  host: string;
  port: number;
  /** Connections forwarded right now. */
  readonly liveConnections: number;
  /**
   * Resets every live connection, then refuses or blackholes new ones
   * until `restore`.
   */
  cut(mode: CutMode): Promise<void>;
  /** Forwards new connections again (blackholed ones are reset). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

interface Target {
  host: string;
  port: number;
}

/**
 * A TCP proxy on a free 127.0.0.1 port to `target`, which a test cuts and
 * restores to play an outage of the service behind it.
 */
export async function startTcpProxy(target: Target): Promise<TcpProxy> {
  const forwarded = new Set<Socket>();
  const held = new Set<Socket>();
  let mode: CutMode | null = null;

  const server = createServer((client) => {
    if (mode === 'blackhole') return hold(held, client);
    forward(forwarded, client, target);
  });
  await listen(server, 0);
  const { port } = server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    get liveConnections() {
      return forwarded.size;
    },
    cut: async (next) => {
      mode = next;
      resetAll(forwarded);
      if (next === 'refuse') await stopListening(server);
    },
    restore: async () => {
      const was = mode;
      mode = null;
      resetAll(held);
      if (was === 'refuse') await listen(server, port);
    },
    close: async () => {
      resetAll(forwarded);
      resetAll(held);
      if (server.listening) await stopListening(server);
    },
  };
}

function forward(live: Set<Socket>, client: Socket, target: Target): void {
  const upstream = connect(target.port, target.host);
  live.add(client);
  live.add(upstream);

  const end = (): void => {
    live.delete(client);
    live.delete(upstream);
    client.destroy();
    upstream.destroy();
  };
  client.on('error', end).on('close', end);
  upstream.on('error', end).on('close', end);
  client.pipe(upstream);
  upstream.pipe(client);
}

/** Keeps the connection open and reads nothing from it, answering nothing. */
function hold(held: Set<Socket>, client: Socket): void {
  held.add(client);
  client.pause();
  client.on('error', () => held.delete(client));
  client.on('close', () => held.delete(client));
}

/** An RST, as a network cut shows itself, rather than a polite FIN. */
function resetAll(sockets: Set<Socket>): void {
  for (const socket of [...sockets]) socket.resetAndDestroy();
  sockets.clear();
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function stopListening(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
