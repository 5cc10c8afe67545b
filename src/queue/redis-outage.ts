/**
 * An outage of Redis as people should see it: one log line when it becomes unreachable and one when
 * it is back, however many connections, queues and workers report each failed retry. Errors that
 * are not about the connection are logged as they come, as one line each.
 */
import type { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Log } from '../engine/ports.js';

/** Reconnect after 0.5 s, 1 s, 2 s … at most every 10 s, for as long as it takes. */
export const redisRetryDelayMs = (attempt: number): number => Math.min(250 * 2 ** Math.min(attempt, 6), 10_000);

/** ECONNREFUSED, ECONNRESET, "Connection is closed", "connect ETIMEDOUT" … */
const connectionProblem = /ECONN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|connect|socket/i;

export class RedisOutage {
  private down = false;

  constructor(
    private readonly connection: Redis,
    private readonly log: Log,
  ) {
    this.watch(connection);
    connection.on('ready', () => {
      if (!this.down) return;
      this.down = false;
      this.log.info({ redis: this.where() }, 'Redis is reachable again');
    });
  }

  /** Queues and workers re-emit their connections' errors: all of them land here. */
  watch(emitter: EventEmitter): void {
    emitter.on('error', (error: Error) => this.failed(error));
  }

  /** Answers at once while Redis is away (commands would wait for it), else whether it PONGs within `ms`. */
  async ready(ms = 500): Promise<boolean> {
    if (this.connection.status !== 'ready') return false;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([this.connection.ping().then((pong) => pong === 'PONG'), late]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private failed(error: Error): void {
    if (!connectionProblem.test(`${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`)) {
      this.log.error({ err: error.message }, 'Redis or the queue reported an error');
      return;
    }
    if (this.down) return;
    this.down = true;
    this.log.warn(
      { redis: this.where(), err: error.message },
      'Redis is unreachable: runs wait and /readyz answers 503; reconnecting with backoff (at most every 10 s)',
    );
  }

  /** Host and port only: a URL may carry a password. */
  private where(): string {
    const { host, port } = this.connection.options;
    return `${host}:${port}`;
  }
}
