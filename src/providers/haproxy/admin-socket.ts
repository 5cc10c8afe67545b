/** HAProxy's runtime API over its admin socket (a unix path or host:port): one command per connection. */
import { connect } from 'node:net';

export class HAProxyAdminError extends Error {}

export class AdminSocket {
  constructor(private readonly address: string) {}

  send(command: string): Promise<string> {
    if (/[\n;]/.test(command))
      return Promise.reject(new HAProxyAdminError(`refusing a command with a line break or ';': ${command}`));
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const [host, port] = this.address.includes('/') ? [undefined, undefined] : this.address.split(':');
      const socket = host ? connect(Number(port), host) : connect(this.address);
      socket.setTimeout(5000, () =>
        socket.destroy(new HAProxyAdminError(`haproxy admin socket ${this.address} timed out`)),
      );
      socket.once('connect', () => socket.end(`${command}\n`));
      socket.on('data', (c) => chunks.push(c));
      socket.once('end', () => resolve(Buffer.concat(chunks).toString()));
      socket.once('error', (error) =>
        reject(new HAProxyAdminError(`haproxy admin socket ${this.address}: ${error.message}`)),
      );
    });
  }

  /** A command that changes something answers with nothing on success, and with the reason otherwise. */
  async change(command: string): Promise<void> {
    const answer = (await this.send(command)).trim();
    if (answer !== '') throw new HAProxyAdminError(`haproxy refused '${command}': ${answer}`);
  }
}
