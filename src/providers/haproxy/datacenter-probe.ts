/**
 * ZeroOps' own requests to a drained datacenter, so its latency curve goes on being measured while
 * it serves no users: a few GETs straight to each server of its HAProxy backend (addresses from
 * the runtime API), which the instances count in their metrics like any request.
 */
import { serverAddresses } from './dynamic-servers.js';

export interface ProbeResult {
  server: string;
  ms: number;
  /** HTTP status, or 0 when the request failed or timed out. */
  status: number;
}

export async function probeDatacenter(
  socket: string,
  backend: string,
  options: { path?: string; perServer?: number; timeoutMs?: number } = {},
): Promise<ProbeResult[]> {
  const servers = (await serverAddresses(socket, backend)).filter((s) => /^\d+$/.test(s.port) && s.port !== '0');
  const requests = servers.flatMap((s) =>
    Array.from({ length: options.perServer ?? 5 }, () => timedGet(s, options.path ?? '/', options.timeoutMs ?? 2000)),
  );
  return Promise.all(requests);
}

async function timedGet(s: { name: string; address: string; port: string }, path: string, timeoutMs: number) {
  const started = performance.now();
  try {
    const response = await fetch(`http://${s.address}:${s.port}${path}`, {
      headers: { 'user-agent': 'zeroops-probe' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return { server: s.name, ms: performance.now() - started, status: response.status };
  } catch {
    return { server: s.name, ms: performance.now() - started, status: 0 };
  }
}
