/** An OpenAI SDK client for any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM), configured by us only. */
import OpenAI from 'openai';

export interface EndpointOptions {
  /** The API root, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1` (Ollama). */
  baseURL: string;
  /** Optional: Ollama and many vLLM servers need none. */
  apiKey?: string;
}

export function openAIClient(options: EndpointOptions, timeoutMs: number): OpenAI {
  return new OpenAI({
    baseURL: options.baseURL,
    // The SDK insists on a key; without one, its Authorization header is dropped below.
    apiKey: options.apiKey ?? 'none',
    ...(options.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
    // Given, so the SDK reads no OPENAI_* variable (settings come from src/main) and logs nothing itself.
    logLevel: 'off',
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    timeout: timeoutMs,
    maxRetries: 1,
  });
}

/** The vendor's error as a short reason, with the key taken out should an endpoint echo it. */
export function describeFailure(error: unknown, timeoutMs: number, apiKey?: string): string {
  const reason =
    error instanceof OpenAI.APIConnectionTimeoutError || error instanceof OpenAI.APIUserAbortError
      ? `no answer within ${timeoutMs} ms`
      : error instanceof OpenAI.APIConnectionError
        ? `unreachable: ${error.message}`
        : error instanceof OpenAI.APIError
          ? `HTTP ${error.status ?? '?'}: ${error.message}`
          : (error as Error).message;
  return (apiKey ? reason.split(apiKey).join('[redacted]') : reason).slice(0, 300);
}

/** Where the endpoint is, without any credentials its URL may carry. */
export function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}
