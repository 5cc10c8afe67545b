/**
 * An Explainer on any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM). The model only writes
 * prose from the brief; its answer is held to the brief (checkProse) and any failure — timeout, HTTP
 * error, no JSON, a rejected answer — gives the template prose instead, never an error. The API key
 * goes only into the Authorization header: it is never logged.
 */
import OpenAI from 'openai';
import type { IncidentBrief } from '../../diagnose/explain/brief.js';
import { checkProse } from '../../diagnose/explain/check-prose.js';
import type { Explainer, Explanation } from '../../diagnose/explain/explainer.js';
import { promptFor } from '../../diagnose/explain/prompt.js';
import { templateProse } from '../../diagnose/explain/template-prose.js';
import type { Log } from '../../engine/ports.js';
import { firstJsonObject } from './first-json.js';
import { describeFailure, host, openAIClient } from './openai-client.js';

export interface OpenAIExplainerOptions {
  /** The API root, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1` (Ollama). */
  baseURL: string;
  model: string;
  /** Optional: Ollama and many vLLM servers need none. */
  apiKey?: string;
  /** The most one explanation may take, its retry included (default 20 s). */
  timeoutMs?: number;
  log: Log;
}

interface Answer {
  text: string;
  model: string;
}

export class OpenAIExplainer implements Explainer {
  private readonly client: OpenAI;
  private readonly timeoutMs: number;
  /** Cleared when the endpoint turns `response_format` down: the JSON is then found in the text. */
  private jsonMode = true;

  constructor(private readonly options: OpenAIExplainerOptions) {
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.client = openAIClient(options, this.timeoutMs);
  }

  async explain(brief: IncidentBrief): Promise<Explanation> {
    let answer: Answer;
    try {
      answer = await this.complete(brief);
    } catch (error) {
      return this.fallback(brief, this.describe(error));
    }
    const parsed = firstJsonObject(answer.text);
    if (!parsed) return this.fallback(brief, 'the answer holds no JSON object');
    const checked = checkProse(parsed, brief);
    if (!checked.ok) return this.fallback(brief, checked.reason);
    return { ...checked.prose, by: 'llm', model: answer.model || this.options.model };
  }

  private async complete(brief: IncidentBrief, signal = AbortSignal.timeout(this.timeoutMs)): Promise<Answer> {
    try {
      const request = {
        model: this.options.model,
        messages: promptFor(brief),
        ...(this.jsonMode ? { response_format: { type: 'json_object' as const } } : {}),
      };
      // The deadline covers the retry too: an incident does not wait twice for its prose.
      const completion = await this.client.chat.completions.create(request, { signal });
      return { text: completion.choices[0]?.message?.content ?? '', model: completion.model };
    } catch (error) {
      if (this.jsonMode && error instanceof OpenAI.BadRequestError && /response_format|json/i.test(error.message)) {
        this.jsonMode = false;
        return this.complete(brief, signal);
      }
      throw error;
    }
  }

  private fallback(brief: IncidentBrief, reason: string): Explanation {
    this.options.log.warn(
      { model: this.options.model, endpoint: host(this.options.baseURL), reason },
      'the language model gave no usable prose; the template prose is used',
    );
    return { ...templateProse(brief), by: 'template' };
  }

  private describe(error: unknown): string {
    return describeFailure(error, this.timeoutMs, this.options.apiKey);
  }
}
