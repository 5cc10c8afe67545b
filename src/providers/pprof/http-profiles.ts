/**
 * ProfileSource over HTTP: an instance's goroutine profile in Go's text form, its heap profile
 * decoded; with a timeout.
 */
import type { ProfileSource } from '../../app/ports.js';
import { decodeHeapProfile } from './heap-decode.js';

export class HttpProfiles implements ProfileSource {
  constructor(private readonly timeoutMs = 5000) {}

  async fetch(url: string): Promise<string> {
    const text = await (await this.get(url)).text();
    if (!text.startsWith('goroutine profile:'))
      throw new Error(`${url} is not a goroutine profile in text form (add ?debug=1)`);
    return text;
  }

  async fetchHeap(url: string) {
    const bytes = new Uint8Array(await (await this.get(url)).arrayBuffer());
    try {
      return decodeHeapProfile(bytes);
    } catch (error) {
      throw new Error(`${url}: ${(error as Error).message}`);
    }
  }

  private async get(url: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new Error(`${url} did not answer: ${(error as Error).message}`);
    }
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response;
  }
}
