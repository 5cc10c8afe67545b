/**
 * The OpenAI-compatible explainer against a local double of the chat completions endpoint: what it
 * sends (model, messages with the brief, the key only in the Authorization header), the answers it
 * uses, and every failure that leaves the template prose in place.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { incidentBrief } from '../../../src/diagnose/explain/brief.js';
import { templateProse } from '../../../src/diagnose/explain/template-prose.js';
import { explainerFromEnv } from '../../../src/main/explainer.js';
import { SettingsError, workerSettingsFromEnv } from '../../../src/main/settings.js';
import { OpenAIExplainer } from '../../../src/providers/llm/openai-explainer.js';
import { aDiagnosis } from '../../support/diagnosis.js';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}
type Reply = (request: Recorded, response: ServerResponse) => void;

const key = 'sk-test-0123456789secret';
const brief = incidentBrief(aDiagnosis());
const template = { ...templateProse(brief), by: 'template' };
const goodProse = {
  summary: 'Goroutines in checkout v1.3 grow by 40/s on every instance, while v1.2 instances stay flat.',
  explanation: 'Only v1.3 leaks, and load is flat, so the leak is the cause. A rolling restart of v1.3 may run alone.',
};

/** A chat completion in OpenAI's response shape, with `content` as the assistant's message. */
function completion(content: string, model = 'llama3.1:8b') {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_714_560_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 400, completion_tokens: 80, total_tokens: 480 },
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const answer =
  (content: string): Reply =>
  (_, response) =>
    send(response, 200, completion(content));

let server: Server;
let baseURL: string;
let requests: Recorded[];
let reply: Reply;
let logged: { context: object; message: string }[];
const log = {
  info: (context: object, message: string) => logged.push({ context, message }),
  warn: (context: object, message: string) => logged.push({ context, message }),
  error: (context: object, message: string) => logged.push({ context, message }),
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const recorded = { method: req.method!, url: req.url!, headers: req.headers, body: JSON.parse(text || '{}') };
      requests.push(recorded);
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') send(res, 404, { error: { message: 'no' } });
      else reply(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
  logged = [];
  reply = answer(JSON.stringify(goodProse));
});

const explainer = (options: { apiKey?: string; timeoutMs?: number } = { apiKey: key }) =>
  new OpenAIExplainer({ baseURL, model: 'llama3.1', log, ...options });

/** The explanation fell back to the template, and the log says why (without the key). */
function expectTemplate(explanation: unknown, reason: string | RegExp): void {
  expect(explanation).toEqual(template);
  expect(logged).toHaveLength(1);
  expect(logged[0]!.context).toMatchObject({ model: 'llama3.1', endpoint: new URL(baseURL).host });
  expect((logged[0]!.context as { reason: string }).reason).toMatch(reason);
  expect(JSON.stringify(logged)).not.toContain(key);
}

describe('OpenAIExplainer', () => {
  it('sends the model and the messages with the brief, the key only in the Authorization header', async () => {
    const explanation = await explainer().explain(brief);
    expect(explanation).toEqual({ ...goodProse, by: 'llm', model: 'llama3.1:8b' });
    expect(logged).toEqual([]);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });
    expect(request!.body).toMatchObject({ model: 'llama3.1', response_format: { type: 'json_object' } });
    const messages = request!.body.messages as { role: string; content: string }[];
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(messages[1]!.content).toContain(JSON.stringify(brief, null, 2));
    expect(request!.headers.authorization).toBe(`Bearer ${key}`);
    const { authorization: _, ...otherHeaders } = request!.headers;
    expect(JSON.stringify([otherHeaders, request!.body])).not.toContain(key);
  });

  it('sends no Authorization header without a key (Ollama)', async () => {
    expect(await explainer({}).explain(brief)).toMatchObject({ by: 'llm' });
    expect(requests[0]!.headers.authorization).toBeUndefined();
  });

  it('finds the JSON in a fenced answer, and asks again without a JSON mode the endpoint turns down', async () => {
    reply = (request, response) =>
      request.body.response_format
        ? send(response, 400, { error: { message: 'response_format is not supported by this model' } })
        : send(response, 200, completion(`Here it is:\n\`\`\`json\n${JSON.stringify(goodProse)}\n\`\`\`\nDone {.`));
    const llm = explainer();
    expect(await llm.explain(brief)).toEqual({ ...goodProse, by: 'llm', model: 'llama3.1:8b' });
    expect(requests.map((r) => Boolean(r.body.response_format))).toEqual([true, false]);
    await llm.explain(brief);
    expect(requests.map((r) => Boolean(r.body.response_format))).toEqual([true, false, false]);
  });

  it('falls back to the template prose when the endpoint answers 500 (after one retry)', async () => {
    reply = (_, response) => send(response, 500, { error: { message: 'model crashed' } });
    expectTemplate(await explainer().explain(brief), /^HTTP 500/);
    expect(requests).toHaveLength(2);
  });

  it('falls back when the endpoint does not answer in time', async () => {
    reply = () => {}; // never answers: the connection is closed with the server
    expectTemplate(await explainer({ apiKey: key, timeoutMs: 150 }).explain(brief), 'no answer within 150 ms');
  });

  it('falls back when the answer is not JSON', async () => {
    reply = answer('The goroutines of checkout v1.3 leak. Sorry, I cannot write JSON.');
    expectTemplate(await explainer().explain(brief), 'no JSON object');
  });

  it('falls back when the answer lacks a field', async () => {
    reply = answer(JSON.stringify({ summary: goodProse.summary }));
    expectTemplate(await explainer().explain(brief), 'lacks a summary or an explanation');
  });

  it('falls back when the answer recommends an action that is not an option', async () => {
    reply = answer(JSON.stringify({ ...goodProse, explanation: 'Roll back checkout to v1.2 now.' }));
    expectTemplate(await explainer().explain(brief), 'not options: roll back');
  });

  it('falls back when the answer invents a number', async () => {
    reply = answer(JSON.stringify({ ...goodProse, summary: 'Checkout v1.3 will run out of memory in 3 hours.' }));
    expectTemplate(await explainer().explain(brief), 'not in the brief: 3');
  });

  it('never logs the key, even when the endpoint echoes it', async () => {
    reply = (request, response) =>
      send(response, 401, { error: { message: `Incorrect API key provided: ${request.headers.authorization}` } });
    expectTemplate(await explainer().explain(brief), /^HTTP 401: .*\[redacted\]/);
  });

  it('falls back when nothing listens at the URL', async () => {
    const gone = new OpenAIExplainer({ baseURL: 'http://127.0.0.1:9/v1', model: 'llama3.1', log, timeoutMs: 1000 });
    expect(await gone.explain(brief)).toEqual(template);
    expect((logged[0]!.context as { reason: string }).reason).toMatch(/^unreachable/);
  });
});

describe('explainerFromEnv', () => {
  const settings = (env: NodeJS.ProcessEnv) => workerSettingsFromEnv(env);

  it('uses the templates when no endpoint is set', async () => {
    expect(await explainerFromEnv(settings({}), log).explain(brief)).toEqual(template);
    expect(requests).toEqual([]);
  });

  it('uses the endpoint, model and key from ZEROOPS_LLM_*', async () => {
    const env = { ZEROOPS_LLM_URL: baseURL, ZEROOPS_LLM_MODEL: 'qwen2.5', ZEROOPS_LLM_API_KEY: key };
    expect(await explainerFromEnv(settings(env), log).explain(brief)).toMatchObject({ by: 'llm' });
    expect(requests[0]!.body.model).toBe('qwen2.5');
    expect(requests[0]!.headers.authorization).toBe(`Bearer ${key}`);
  });

  it('refuses an endpoint without a model', () => {
    expect(() => explainerFromEnv(settings({ ZEROOPS_LLM_URL: baseURL }), log)).toThrow(SettingsError);
  });
});
