/**
 * A TaskWriter (tasks from requests, templates from SOPs) on an OpenAI-compatible chat endpoint.
 * Structured output is asked for with the schemas of schemas/; an endpoint that turns `json_schema`
 * down is asked for a JSON object instead, and the JSON is found in the text as a last resort.
 * Whatever comes back is checked again by the caller.
 */
import OpenAI from 'openai';
import type { Log } from '../../engine/ports.js';
import type { TaskWriter, WriterAnswer, WriterContext } from '../../nl/task-writer.js';
import { answerSchema, templateMessages, writerMessages } from '../../nl/writer-prompt.js';
import { firstJsonObject } from './first-json.js';
import { describeFailure, host, openAIClient, type EndpointOptions } from './openai-client.js';

export interface OpenAITaskWriterOptions extends EndpointOptions {
  model: string;
  timeoutMs?: number;
  log: Log;
}

type Format = 'json_schema' | 'json_object' | 'text';

interface Prompt {
  name: string;
  messages: { role: 'system' | 'user'; content: string }[];
  schema: Record<string, unknown>;
}

export class OpenAITaskWriter implements TaskWriter {
  private readonly client: OpenAI;
  private readonly timeoutMs: number;
  /** Lowered when the endpoint turns a response format down. */
  private format: Format = 'json_schema';

  constructor(private readonly options: OpenAITaskWriterOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.client = openAIClient(options, this.timeoutMs);
  }

  write(request: string, context: WriterContext): Promise<WriterAnswer> {
    return this.ask({ name: 'zeroops_task', messages: writerMessages(request, context), schema: answerSchema() });
  }

  template(sop: string, context: WriterContext): Promise<WriterAnswer> {
    return this.ask({
      name: 'zeroops_template',
      messages: templateMessages(sop, context),
      schema: answerSchema(['template']),
    });
  }

  private async ask(prompt: Prompt): Promise<WriterAnswer> {
    let text: string;
    let model: string;
    try {
      ({ text, model } = await this.complete(prompt, AbortSignal.timeout(this.timeoutMs)));
    } catch (error) {
      return this.failed(describeFailure(error, this.timeoutMs, this.options.apiKey));
    }
    const answer = firstJsonObject(text);
    const by = `${model || this.options.model} (language model)`;
    if (typeof answer?.question === 'string' && answer.question.trim()) return { question: answer.question, by };
    const manifest = answer?.manifest;
    if (manifest && typeof manifest === 'object' && !Array.isArray(manifest))
      return { manifest: manifest as Record<string, unknown>, by };
    return this.failed('the answer holds neither a manifest nor a question');
  }

  private async complete(prompt: Prompt, signal: AbortSignal): Promise<{ text: string; model: string }> {
    const format = this.format;
    try {
      const completion = await this.client.chat.completions.create(
        {
          model: this.options.model,
          messages: prompt.messages,
          temperature: 0,
          ...(format === 'json_schema'
            ? { response_format: { type: 'json_schema', json_schema: { name: prompt.name, schema: prompt.schema } } }
            : format === 'json_object'
              ? { response_format: { type: 'json_object' } }
              : {}),
        } as OpenAI.ChatCompletionCreateParamsNonStreaming,
        { signal },
      );
      return { text: completion.choices[0]?.message?.content ?? '', model: completion.model };
    } catch (error) {
      if (
        format !== 'text' &&
        error instanceof OpenAI.BadRequestError &&
        /response_format|json|schema/i.test(error.message)
      ) {
        this.format = format === 'json_schema' ? 'json_object' : 'text';
        return this.complete(prompt, signal);
      }
      throw error;
    }
  }

  private failed(reason: string): WriterAnswer {
    this.options.log.warn(
      { model: this.options.model, endpoint: host(this.options.baseURL), reason },
      'the language model wrote no manifest',
    );
    return { failed: reason };
  }
}
