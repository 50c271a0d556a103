/**
 * Host side of a box endpoint: a unix socket (bind-mounted into the box, read-only) whose
 * connections are piped to a loopback TCP service of the lane (the model endpoint). Bytes pass
 * untouched: headers and streaming stay exactly as the agent sent them.
 */
import * as net from 'node:net';
import { rmSync } from 'node:fs';

export interface Relay {
  socket: string;
  close(): Promise<void>;
}

export async function relayUnixToTcp(socket: string, target: { host: string; port: number }): Promise<Relay> {
  const conns = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    conns.add(inbound);
    const outbound = net.connect(target.port, target.host);
    conns.add(outbound);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    const done = (): void => {
      inbound.destroy();
      outbound.destroy();
      conns.delete(inbound);
      conns.delete(outbound);
    };
    inbound.on('error', done).on('close', done);
    outbound.on('error', done).on('close', done);
  });
  await listenUnix(server, socket);
  return {
    socket,
    close: async () => {
      for (const c of conns) c.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(socket, { force: true });
    },
  };
}

export async function listenUnix(server: net.Server, socket: string): Promise<void> {
  rmSync(socket, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => { server.off('error', reject); resolve(); });
  });
}
