// A TCP proxy of the test's own between the server and Postgres: `cut()`
// destroys every connection and stops accepting (the database is gone, as in
// a failover); `restore()` listens again on the same port. `partition()`
// keeps every connection open but lets nothing through (packets silently
// lost, as in a network partition); `heal()` lets the held bytes flow again.
import { once } from 'node:events';
import { createConnection, createServer, Server, Socket } from 'node:net';

export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private partitioned = false;
  /** Bytes held back during a partition, in order, with where they go. */
  private held: Array<[Socket, Buffer]> = [];
  connections = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  get listeningPort(): number {
    return this.port;
  }

  async listen(port = 0): Promise<number> {
    const server = createServer((client) => this.pipe(client));
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  private pipe(client: Socket): void {
    this.connections += 1;
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      // A reset mid-stream is the point of the exercise, not a test failure.
      socket.on('error', () => undefined);
    }
    this.forward(client, upstream);
    this.forward(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  private forward(from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (this.partitioned) this.held.push([to, chunk]);
      else to.write(chunk);
    });
  }

  /** Stops accepting and destroys every open connection, both sides. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      const closed = once(server, 'close');
      server.close();
      for (const socket of this.sockets) socket.destroy();
      await closed;
    }
    this.sockets.clear();
  }

  async restore(): Promise<void> {
    await this.listen(this.port);
  }

  /** Nothing flows either way; new connections are accepted and held. TCP would keep what was sent: so do we. */
  partition(): void {
    this.partitioned = true;
  }

  heal(): void {
    this.partitioned = false;
    for (const [to, chunk] of this.held) if (!to.destroyed) to.write(chunk);
    this.held = [];
  }
}
