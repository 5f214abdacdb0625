import type { FastifyRequest } from 'fastify';
import { AppError, ValidationError } from '../core/errors.js';
import { unstorableText } from '../core/text.js';

/**
 * A POSTed service request as it arrived: form fields (each possibly repeated, as
 * `attribute[code][]` is) and, in a multipart request, the photo in `media` (GeoReport v2.1 draft).
 */
export interface Submission {
  fields: Map<string, string[]>;
  media?: { buffer: Buffer; filename: string; declaredType: string };
}

/** The largest photo accepted. */
export const MEDIA_MAX_BYTES = 10 * 1024 * 1024;

/** application/x-www-form-urlencoded text → fields, keeping repeated names. */
export function parseUrlEncoded(body: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(body)) addField(fields, name, value);
  return fields;
}

/** Text the database cannot hold (src/core/text.ts) is refused here, the field named, not failed on as a 500. */
function addField(fields: Map<string, string[]>, name: string, value: string): void {
  const reason = unstorableText(name) ?? unstorableText(value);
  if (reason) throw new ValidationError(name.replace(/\u0000/g, ''), `${name.replace(/\u0000/g, '')} ${reason}`);
  fields.set(name, [...(fields.get(name) ?? []), value]);
}

/** Reads the body of POST requests: urlencoded (parsed by the plugin's parser) or multipart. */
export async function readSubmission(request: FastifyRequest): Promise<Submission> {
  if (request.body instanceof Map) return { fields: request.body as Map<string, string[]> };
  if (!request.isMultipart()) {
    throw new AppError(415, 'unsupported_media_type', 'send the request as application/x-www-form-urlencoded or multipart/form-data', 'content-type');
  }
  const submission: Submission = { fields: new Map() };
  try {
    for await (const part of request.parts({ limits: { fileSize: MEDIA_MAX_BYTES, files: 1, fields: 100, fieldSize: 64 * 1024 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'media') {
          await part.toBuffer().catch(() => undefined);
          throw new ValidationError('media', `the file part must be named media, not ${part.fieldname}`);
        }
        submission.media = { buffer: await part.toBuffer(), filename: part.filename, declaredType: part.mimetype };
      } else {
        addField(submission.fields, part.fieldname, typeof part.value === 'string' ? part.value : String(part.value));
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const fe = err as { code?: string; message?: string };
    if (fe.code === 'FST_REQ_FILE_TOO_LARGE') throw new ValidationError('media', `media is larger than ${MEDIA_MAX_BYTES / 1024 / 1024} MB`);
    if (fe.code === 'FST_FILES_LIMIT') throw new ValidationError('media', 'send at most one media file');
    throw new ValidationError('body', `the multipart body could not be read: ${fe.message ?? 'malformed'}`);
  }
  return submission;
}
