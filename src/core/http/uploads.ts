import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { requireAccess, type Permission } from '../access.js';
import { AppError, ValidationError } from '../errors.js';
import { XLSX_MEDIA_TYPE } from '../sheets.js';

/** An uploaded import file, with what the client said about it. */
export interface Upload {
  content: Buffer;
  filename?: string;
  mediaType?: string;
}

/** The raw bodies a sheet import takes besides multipart. */
export const SHEET_UPLOAD_TYPES = ['text/csv', 'application/octet-stream', XLSX_MEDIA_TYPE];

/**
 * Lets the routes of this plugin take an import file as the raw request body, up to `maxBytes`:
 * register it in a plugin of its own, so that no other route starts taking such bodies.
 */
export function acceptRawUploads(app: FastifyInstance, maxBytes: number, types: string[] = SHEET_UPLOAD_TYPES): void {
  app.addContentTypeParser(types, { parseAs: 'buffer', bodyLimit: maxBytes }, (_req, body, done) => done(null, body));
}

/**
 * The options of a route taking an import file: its body limit, and the permission checked before
 * the upload is read, so that nobody else's upload (up to `maxBytes`) is read and parsed. The
 * service checks it again.
 */
export function uploadRoute(maxBytes: number, permission: Permission) {
  return {
    bodyLimit: maxBytes,
    onRequest: async (request: FastifyRequest) => {
      requireAccess(request.ctx.actor, permission);
    },
  };
}

/**
 * The import file of a request: its multipart field `file`, or the raw body. A JSON body (parsed
 * already, as every route's) is taken only where JSON is a format of the import (`json`: GeoJSON).
 */
export async function readUpload(request: FastifyRequest, maxBytes: number, { json = false } = {}): Promise<Upload> {
  if (request.isMultipart()) {
    try {
      const part = await request.file({ limits: { fileSize: maxBytes, files: 1 } });
      if (!part) throw new ValidationError('file', 'the upload has no file part');
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw new ValidationError('file', `the file must be in the field file, not ${part.fieldname.slice(0, 100)}`);
      }
      return { content: await part.toBuffer(), filename: part.filename, mediaType: part.mimetype };
    } catch (err) {
      // Limits come with their own 4xx status; a malformed or cut-off form comes from the parser without one.
      if (err instanceof ValidationError || (err as FastifyError).statusCode) throw err;
      throw new ValidationError('file', `the multipart upload could not be read: ${(err as Error).message}`);
    }
  }
  const body = request.body;
  if (Buffer.isBuffer(body)) return { content: body, mediaType: request.headers['content-type'] };
  if (body && typeof body === 'object') {
    if (!json) throw new AppError(415, 'unsupported_media_type', 'send the file as CSV or XLSX, as multipart/form-data or the raw body, not as JSON', 'file');
    try {
      return { content: Buffer.from(JSON.stringify(body)), mediaType: 'application/json' };
    } catch (err) {
      // JSON.parse reads any depth; writing it back recurses, and a hostile nesting overflows the stack.
      if (err instanceof RangeError) throw new ValidationError('file', 'the JSON is nested too deeply to be a GeoJSON file');
      throw err;
    }
  }
  throw new ValidationError('file', 'send the file as multipart/form-data or as the request body');
}
