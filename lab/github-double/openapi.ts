/**
 * Checks requests against GitHub's official OpenAPI description (@octokit/openapi): the operation
 * must exist, and its path and query parameters and JSON body must match their schemas. The
 * description is large: it is read once per process and schemas are compiled per operation on use.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Operation {
  id: string;
  method: string;
  path: string;
  params: Record<string, string>;
}

export type Checked = { operation: Operation } | { violation: string; status: 404 | 422 };

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  spec: Json;
  literalSegments: number;
}

const specId = 'https://api.github.com/openapi.json';
let loaded: { routes: Route[]; ajv: Ajv; spec: Json } | undefined;
const compiled = new Map<string, { params: ValidateFunction; body?: ValidateFunction }>();

function load() {
  if (loaded) return loaded;
  const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as Json;
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: false, validateSchema: false, logger: false });
  (addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
  ajv.addSchema({ $id: specId, components: forAjv(spec.components) });
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(spec.paths as Json)) {
    for (const method of ['get', 'post', 'patch', 'put', 'delete']) {
      if (!item[method]) continue;
      const names: string[] = [];
      const multi = new Set(
        resolveParams(spec, item[method])
          .filter((p) => p['x-multi-segment'])
          .map((p) => p.name as string),
      );
      const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
        names.push(name);
        return multi.has(name) ? '(.+)' : '([^/]+)';
      });
      routes.push({
        method: method.toUpperCase(),
        template,
        regex: new RegExp(`^${pattern}$`),
        names,
        spec: item[method],
        literalSegments: template.split('/').filter((s) => s && !s.startsWith('{')).length,
      });
    }
  }
  // Literal segments win over parameters: /pulls/comments before /pulls/{pull_number}.
  routes.sort((a, b) => b.literalSegments - a.literalSegments || a.names.length - b.names.length);
  loaded = { routes, ajv, spec };
  return loaded;
}

/** Load the description now (a second or so), so the first request does not pay for it. */
export const preloadOpenApi = (): void => void load();

export function checkRequest(method: string, url: URL, body: unknown): Checked {
  const { routes, ajv, spec } = load();
  const route = routes.find((r) => r.method === method && r.regex.test(url.pathname));
  if (!route) return { violation: `${method} ${url.pathname} is not an operation of GitHub's REST API`, status: 404 };
  const values = route.regex.exec(url.pathname)!.slice(1).map(decodeURIComponent);
  const params = Object.fromEntries(route.names.map((name, i) => [name, values[i]!]));
  const validators = validatorsFor(route, ajv, spec);
  const query = Object.fromEntries(url.searchParams.entries());
  const id = route.spec.operationId as string;
  if (!validators.params({ path: params, query }))
    return { violation: `${id}: ${describe(validators.params)}`, status: 422 };
  if (validators.body && !validators.body(body ?? {}))
    return { violation: `${id}: body ${describe(validators.body)}`, status: 422 };
  if (
    !validators.body &&
    body !== undefined &&
    method !== 'GET' &&
    Object.keys(body as object).length > 0 &&
    !route.spec.requestBody
  ) {
    return { violation: `${id}: takes no request body`, status: 422 };
  }
  return { operation: { id, method, path: route.template, params } };
}

function validatorsFor(route: Route, ajv: Ajv, spec: Json) {
  const key = `${route.method} ${route.template}`;
  let found = compiled.get(key);
  if (!found) {
    const parameters = resolveParams(spec, route.spec);
    const group = (where: string) => ({
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(parameters.filter((p) => p.in === where).map((p) => [p.name, asString(p.schema)])),
      required: parameters.filter((p) => p.in === where && p.required).map((p) => p.name),
    });
    const bodySchema = route.spec.requestBody?.content?.['application/json']?.schema;
    found = {
      params: ajv.compile(rewriteRefs({ type: 'object', properties: { path: group('path'), query: group('query') } })),
      body: bodySchema ? ajv.compile(rewriteRefs(bodySchema)) : undefined,
    };
    compiled.set(key, found);
  }
  return found;
}

function resolveParams(spec: Json, operation: Json): Json[] {
  return (operation.parameters ?? []).map((p: Json) =>
    p.$ref ? spec.components.parameters[p.$ref.split('/').pop()] : p,
  );
}

/** Path and query values arrive as text: accept the text of a number or boolean where one is expected. */
function asString(schema: Json | undefined): Json {
  const type = schema?.type;
  if (type === 'integer' || type === 'number') return { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' };
  if (type === 'boolean') return { type: 'string', enum: ['true', 'false', '1', '0'] };
  if (type === 'array') return { type: 'string' };
  return schema?.enum ? { type: 'string', enum: schema.enum.map(String) } : { type: 'string' };
}

function rewriteRefs(schema: unknown): Json {
  return forAjv(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, `"${specId}#/components/`)));
}

/** OpenAPI 3.0 allows `nullable` without `type` (e.g. beside anyOf); JSON Schema does not: say it with a type list. */
function forAjv<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(forAjv) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) out[key] = forAjv(value);
  if (out.nullable === true && out.type === undefined) {
    delete out.nullable;
    if (out.anyOf) out.anyOf = [...out.anyOf, { type: 'null' }];
    else if (out.oneOf) out.oneOf = [...out.oneOf, { type: 'null' }];
  }
  return out as T;
}

function describe(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 5)
    .map(
      (e) =>
        `${e.instancePath || '(root)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` '${e.params.additionalProperty}'` : ''}`,
    )
    .join('; ');
}
