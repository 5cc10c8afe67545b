/** Which language model writes incidents' prose (else the templates) and reads requests (else the parser alone). */
import { TemplateExplainer, type Explainer } from '../diagnose/explain/explainer.js';
import type { Log } from '../engine/ports.js';
import { OpenAIExplainer } from '../providers/llm/openai-explainer.js';
import { OpenAITaskWriter } from '../providers/llm/openai-task-writer.js';
import type { TaskWriter } from '../nl/task-writer.js';
import { SettingsError, type LlmSettings } from './settings.js';

export function explainerFromEnv(settings: { llm?: LlmSettings }, log: Log): Explainer {
  const { llm } = settings;
  if (!llm) return new TemplateExplainer();
  // A URL without a model is a half-done setup: say so at start, not at the first incident.
  if (!llm.model) throw new SettingsError('ZEROOPS_LLM_URL is set: set ZEROOPS_LLM_MODEL too (e.g. llama3.1, gpt-4o)');
  return new OpenAIExplainer({ baseURL: llm.url, model: llm.model, apiKey: llm.apiKey, log });
}

/** The language model that reads requests the offline parser does not, when one is configured. */
export function taskWriterFromEnv(settings: { llm?: LlmSettings }, log: Log): TaskWriter | undefined {
  const { llm } = settings;
  if (!llm?.model) return undefined;
  return new OpenAITaskWriter({ baseURL: llm.url, model: llm.model, apiKey: llm.apiKey, log });
}
