/** redis-server on a free loopback port, without persistence. */
import { connect } from 'node:net';
import { freePort } from '../ports.js';
import type { ProcessGroup } from '../processes.js';
import { waitUntil } from '../wait.js';

export interface RedisComponent {
  url: string;
  port: number;
  pid: number;
  /** Stop this Redis (by its PID) and start an empty one on the same port: what a restart without persistence does. */
  restartEmpty(): Promise<void>;
  /** Kill this Redis by its PID and wait for it to be gone: an outage, until `restartEmpty()`. */
  kill(): Promise<void>;
}

export async function startRedis(group: ProcessGroup, dir: string): Promise<RedisComponent> {
  const port = await freePort();
  const start = async () => {
    const started = group.spawn('redis', 'redis-server', {
      args: [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
      ],
    });
    await waitUntil(started, () => ping(port), `answer PING on port ${port}`);
    return started;
  };
  let current = await start();
  const redis: RedisComponent = {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: current.pid,
    async restartEmpty() {
      await redis.kill();
      current = await start();
      redis.pid = current.pid;
    },
    async kill() {
      if (current.child.exitCode === null && current.child.signalCode === null) process.kill(current.pid, 'SIGKILL');
      await current.exited;
    },
  };
  return redis;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}
