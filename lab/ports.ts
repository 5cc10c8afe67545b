/** Free loopback ports: ask the kernel for one, then let it go for the component to take. */
import { createServer } from 'node:net';

const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    // Within one process, never hand out a port twice while a lab may still be starting on it.
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}
