import type { FastifyInstance, FastifySchema } from 'fastify';
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';

const common: Options = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false };

/**
 * Query strings and path parameters arrive as text, so they are coerced ("42" → 42);
 * JSON bodies are not: a number where a string belongs is the caller's mistake to hear about.
 */
export function registerValidation(app: FastifyInstance): void {
  const text = new Ajv({ ...common, coerceTypes: 'array' });
  const json = new Ajv({ ...common, coerceTypes: false });
  for (const ajv of [text, json]) addFormats.default(ajv);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? json : text).compile(schema as FastifySchema & object));
}
