/** ProfileSource over HTTP: an instance's goroutine profile in Go's text form, with a timeout. */
import type { ProfileSource } from '../../app/ports.js';

export class HttpProfiles implements ProfileSource {
  constructor(private readonly timeoutMs = 5000) {}

  async fetch(url: string): Promise<string> {
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new Error(`${url} did not answer: ${(error as Error).message}`);
    }
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    const text = await response.text();
    if (!text.startsWith('goroutine profile:'))
      throw new Error(`${url} is not a goroutine profile in text form (add ?debug=1)`);
    return text;
  }
}
