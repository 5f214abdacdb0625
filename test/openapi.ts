import type { FastifyInstance } from 'fastify';

/**
 * The routes as the app itself describes them at /api/openapi.json, for the harnesses that walk
 * every route (test/fuzz, test/access): a module's routes join them by being in the document.
 */

/** The subset of JSON Schema (as OpenAPI 3.0 writes it) that route schemas use. */
export interface JsonSchema {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';
  enum?: unknown[];
  anyOf?: JsonSchema[];
  nullable?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
}

export type ParameterPlace = 'path' | 'query' | 'header';

export interface Parameter {
  name: string;
  in: ParameterPlace;
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  /** `GET /api/v1/cases/{id}`: how tables and test names refer to the operation. */
  key: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The OpenAPI path template, `/api/v1/cases/{id}`. */
  path: string;
  parameters: Parameter[];
  /** The JSON body's schema; routes reading multipart or raw bodies declare none. */
  body?: JsonSchema;
  /** Declared `security: []`: answers without a token. */
  public: boolean;
  /** GeoReport v2 routes answer errors in Open311's own format. */
  open311: boolean;
}

/** Every operation the app documents, in document order. */
export async function operationsOf(app: FastifyInstance): Promise<Operation[]> {
  const res = await app.inject({ url: '/api/openapi.json' });
  if (res.statusCode !== 200) throw new Error(`/api/openapi.json answered ${res.statusCode}`);
  const doc = res.json() as { paths: Record<string, Record<string, RawOperation>> };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const upper = method.toUpperCase() as Operation['method'];
      operations.push({
        key: `${upper} ${path}`,
        method: upper,
        path,
        parameters: (raw.parameters ?? []).map((p) => ({ name: p.name, in: p.in, required: !!p.required, schema: p.schema ?? {} })),
        body: raw.requestBody?.content?.['application/json']?.schema,
        public: Array.isArray(raw.security) && raw.security.length === 0,
        open311: path.startsWith('/open311/'),
      });
    }
  }
  return operations;
}

interface RawOperation {
  parameters?: { name: string; in: ParameterPlace; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
}

/** Puts path parameters into the template, each URL-encoded unless given raw. */
export function fillPath(template: string, params: Record<string, string>, raw = false): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = params[name] ?? '';
    return raw ? value : encodeText(value);
  });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Percent-encodes text for a URL; a lone surrogate goes as the bytes a careless client would send (not UTF-8). */
export function encodeText(text: string): string {
  return text.split(LONE_SURROGATE).map(encodeURIComponent).join('%ED%A0%80');
}

/** A query string from names to one or several values (repeated keys). */
export function queryString(query: Record<string, string | string[]>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) parts.push(`${encodeText(name)}=${encodeText(v)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}
