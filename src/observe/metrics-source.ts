/** The MetricsSource port: instant queries against a metrics backend, with our own error codes. */

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export type MetricsErrorCode = 'unreachable' | 'timeout' | 'bad_query' | 'execution' | 'bad_response';

export class MetricsError extends Error {
  constructor(
    readonly code: MetricsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface MetricsSource {
  /** The value of a query now; an empty list when the query matches no series. */
  instant(query: string): Promise<Sample[]>;
  /** Values over a time range, one series per label set. */
  range(
    query: string,
    startSeconds: number,
    endSeconds: number,
    stepSeconds: number,
  ): Promise<{ labels: Record<string, string>; points: [number, number][] }[]>;
}
