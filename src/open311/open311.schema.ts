import { Type } from 'typebox';

/**
 * Query strings of the GeoReport v2 routes. Unknown parameters are let through (clients
 * send jurisdiction_id, api_key and their own extras); the format comes from the extension.
 */

export const FormatParams = Type.Object({
  format: Type.String({ description: 'json or xml; anything else answers 404' }),
});

export const ServiceParams = Type.Object({
  service_code: Type.String({ minLength: 1, maxLength: 40 }),
  format: Type.String({ description: 'json or xml' }),
});

export const RequestParams = Type.Object({
  service_request_id: Type.String({ minLength: 1, maxLength: 40, description: 'the ticket number' }),
  format: Type.String({ description: 'json or xml' }),
});

export const TokenParams = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 100 }),
  format: Type.String({ description: 'json or xml' }),
});

const W3Date = Type.String({ format: 'date-time', description: 'w3 format with a time zone, e.g. 2026-01-01T00:00:00Z' });

export const RequestsQuery = Type.Object({
  jurisdiction_id: Type.Optional(Type.String({ maxLength: 100, description: 'accepted and ignored: this endpoint serves one jurisdiction' })),
  service_request_id: Type.Optional(Type.String({ maxLength: 4000, description: 'ticket numbers, comma separated; overrides every other filter' })),
  service_code: Type.Optional(Type.String({ maxLength: 2000, description: 'service codes, comma separated' })),
  start_date: Type.Optional(W3Date),
  end_date: Type.Optional(W3Date),
  status: Type.Optional(Type.String({ pattern: '^(open|closed)(,(open|closed))*$', description: 'open, closed, or both comma separated' })),
  page: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'extension: the page, from 1' }),
  page_size: Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'extension: requests per page, at most 200' }),
});

export const UpdatesQuery = Type.Object({
  jurisdiction_id: Type.Optional(Type.String({ maxLength: 100 })),
  api_key: Type.Optional(Type.String({ maxLength: 200, description: 'optional; when given it must be valid' })),
  start_date: Type.Optional(W3Date),
  end_date: Type.Optional(W3Date),
});
