/** MetricsSource on Prometheus' HTTP API; its error types become ours. */
import { MetricsError, type MetricsSource, type Sample } from '../../observe/metrics-source.js';

interface PrometheusBody {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: {
    resultType: string;
    result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[];
  };
}

export class PrometheusSource implements MetricsSource {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
    private readonly bearerToken?: string,
  ) {}

  async instant(query: string): Promise<Sample[]> {
    const data = await this.call('query', { query });
    if (data.resultType === 'scalar')
      return [{ labels: {}, value: Number((data.result as unknown as [number, string])[1]) }];
    return data.result.map((r) => ({ labels: r.metric, value: Number(r.value![1]) }));
  }

  async range(query: string, start: number, end: number, step: number) {
    const data = await this.call('query_range', { query, start: String(start), end: String(end), step: String(step) });
    return data.result.map((r) => ({
      labels: r.metric,
      points: r.values!.map(([t, v]): [number, number] => [t, Number(v)]),
    }));
  }

  private async call(endpoint: string, params: Record<string, string>): Promise<NonNullable<PrometheusBody['data']>> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/api/v1/${endpoint}`, {
        method: 'POST',
        body: new URLSearchParams(params),
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: this.bearerToken ? { authorization: `Bearer ${this.bearerToken}` } : {},
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new MetricsError(
        timedOut ? 'timeout' : 'unreachable',
        `prometheus ${timedOut ? 'timed out' : 'unreachable'} at ${this.baseUrl}: ${(error as Error).message}`,
      );
    }
    let body: PrometheusBody;
    try {
      body = (await response.json()) as PrometheusBody;
    } catch {
      throw new MetricsError('bad_response', `prometheus answered ${response.status} without JSON`);
    }
    if (body.status !== 'success' || !body.data) {
      const code = body.errorType === 'bad_data' ? 'bad_query' : body.errorType === 'timeout' ? 'timeout' : 'execution';
      throw new MetricsError(code, `prometheus ${body.errorType ?? response.status}: ${body.error ?? 'no data'}`);
    }
    return body.data;
  }
}
