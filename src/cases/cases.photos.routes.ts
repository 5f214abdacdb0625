import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { requireAccess } from '../core/access.js';
import type { Env } from '../core/env.js';
import { AppError, ValidationError } from '../core/errors.js';
import { ReportLimit } from './cases.public.routes.js';
import * as photos from './cases.photos.js';

/**
 * Photos of a case: staff add and read them by case id; the reporter adds them with the
 * secret from reporting, and anyone with the ticket number sees what the reporter sent.
 * Uploads are multipart/form-data with the image in the field `photo`.
 */

const NO_AUTH = [] as Record<string, string[]>[];
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Id = Type.Integer({ minimum: 1, maximum: 9007199254740991 });

const PhotoParams = Type.Object({ id: Id, photoId: Id });
const CaseParams = Type.Object({ id: Id });
const TicketParams = Type.Object({
  ticketNo: Type.String({ minLength: 1, maxLength: 40, pattern: '^[0-9A-Za-z-]+$', description: 'the ticket number given at intake' }),
});
const PublicPhotoParams = Type.Object({ ...TicketParams.properties, photoId: Id });
const SizeQuery = Type.Object({
  size: Type.Optional(literals(['original', 'thumb'] as const)),
}, { additionalProperties: false });

const UPLOAD = 'multipart/form-data with the image in `photo`: JPEG, PNG or WebP (told by its content, not its name or declared type), at most 10 MB, decodable to the end.';

type Fields = Record<string, string>;

/** Reads a multipart upload: the one file in `photo` and the named text fields. */
async function readUpload(request: FastifyRequest, fieldNames: string[]): Promise<{ bytes: Buffer; fields: Fields }> {
  if (!request.isMultipart()) throw new AppError(415, 'unsupported_media_type', 'send the photo as multipart/form-data in the field photo', 'photo');
  const fields: Fields = {};
  let bytes: Buffer | undefined;
  try {
    for await (const part of request.parts({ limits: { fileSize: photos.PHOTO_MAX_BYTES, files: 1, fields: fieldNames.length, fieldSize: 1024 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'photo') {
          await part.toBuffer().catch(() => undefined);
          throw new ValidationError('photo', `the file must be in the field photo, not ${part.fieldname}`);
        }
        bytes = await part.toBuffer();
      } else {
        if (!fieldNames.includes(part.fieldname)) throw new ValidationError(part.fieldname, `${part.fieldname} is not a known field`);
        fields[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value);
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as FastifyError).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(413, 'payload_too_large', 'photo is larger than 10 MB', 'photo');
    if (code === 'FST_FILES_LIMIT') throw new ValidationError('photo', 'send one photo at a time');
    if (code === 'FST_FIELDS_LIMIT') throw new ValidationError('body', `the form takes only ${fieldNames.join(', ') || 'no fields'} besides photo`);
    throw new ValidationError('photo', `the multipart upload could not be read: ${(err as Error).message}`);
  }
  if (!bytes) throw new ValidationError('photo', 'the form has no photo');
  return { bytes, fields };
}

function sendPhoto(reply: FastifyReply, content: photos.PhotoContent, cacheControl: string) {
  return reply
    .type(content.mediaType)
    .header('content-length', String(content.bytes))
    .header('cache-control', cacheControl)
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', `inline; filename="${content.filename}"`)
    .send(content.stream);
}

/** Photo routes, staff and public. */
export async function casePhotoRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  // Reporters without an account upload at most this often from one address.
  const publicUploads = new ReportLimit(30, 3600_000, 'photos');

  app.post('/api/v1/cases/:id/photos', {
    // Checked again by the service; here so that an anonymous upload is not read at all.
    onRequest: async (request) => requireAccess(request.ctx.actor, 'cases.read'),
    schema: {
      tags: ['cases'],
      summary: 'Add a photo to a case',
      description: `${UPLOAD} Optional field \`stage\`: report, handling or verification (by default handling for a department handler, `
        + 'verification for a grid worker when the case awaits her check, else report). Answers 201 with the photo, or 200 with the photo '
        + 'already holding the same bytes.',
      params: CaseParams,
    },
  }, async (request, reply) => {
    const { id } = request.params as Static<typeof CaseParams>;
    const { bytes, fields } = await readUpload(request, ['stage']);
    const stage = fields.stage?.trim() || undefined;
    if (stage !== undefined && !photos.PHOTO_STAGES.includes(stage as photos.PhotoStage)) {
      throw new ValidationError('stage', `stage must be one of ${photos.PHOTO_STAGES.join(', ')}`);
    }
    const result = await photos.addPhoto(env, request.ctx, id, bytes, stage as photos.PhotoStage | undefined);
    return reply.status(result.created ? 201 : 200).send(result.photo);
  });

  app.get('/api/v1/cases/:id/photos', {
    schema: { tags: ['cases'], summary: 'The photos of a case, oldest first', params: CaseParams },
  }, async (request) => photos.listPhotos(env, request.ctx, (request.params as Static<typeof CaseParams>).id));

  app.get('/api/v1/cases/:id/photos/:photoId', {
    schema: {
      tags: ['cases'],
      summary: 'One photo of a case: the original as sent, or a thumbnail',
      description: `size=original (default) answers the bytes as sent, metadata and all (evidence); size=thumb a JPEG of at most ${photos.THUMB_PX} px a side, without metadata.`,
      params: PhotoParams, querystring: SizeQuery,
    },
  }, async (request, reply) => {
    const { id, photoId } = request.params as Static<typeof PhotoParams>;
    const { size } = request.query as Static<typeof SizeQuery>;
    return sendPhoto(reply, await photos.readPhoto(env, request.ctx, id, photoId, size ?? 'original'), 'private, max-age=86400');
  });

  app.post('/api/v1/public/cases/:ticketNo/photos', {
    schema: {
      tags: ['public'], security: NO_AUTH,
      summary: 'The reporter adds a photo to their open case, with the secret from intake',
      description: `${UPLOAD} Field \`secret\`: the secret answered at intake (403 when it does not match). Answers 201 with the photo (200 when the case `
        + 'has these bytes already); 409 once the case is no longer open. At most 30 uploads per address an hour (429).',
      params: TicketParams,
    },
    preHandler: async (request: FastifyRequest, reply: FastifyReply) => publicUploads.take(request.ip, reply),
  }, async (request, reply) => {
    const { ticketNo } = request.params as Static<typeof TicketParams>;
    const { bytes, fields } = await readUpload(request, ['secret']);
    if (!fields.secret) throw new ValidationError('secret', 'send the secret answered at intake in the field secret');
    const result = await photos.addPublicPhoto(env, ticketNo, fields.secret, bytes, request.ip);
    return reply.status(result.created ? 201 : 200).send(result.photo);
  });

  app.get('/api/v1/public/cases/:ticketNo/photos/:photoId', {
    schema: {
      tags: ['public'], security: NO_AUTH,
      summary: 'A photo the reporter sent with a case, by ticket number',
      description: `Only photos sent through the public doors at reporting (the citizen's page, Open311), never staff photos; without metadata (no EXIF, no GPS). `
        + `size=original (default) at full size, size=thumb a JPEG of at most ${photos.THUMB_PX} px a side.`,
      params: PublicPhotoParams, querystring: SizeQuery,
    },
  }, async (request, reply) => {
    const { ticketNo, photoId } = request.params as Static<typeof PublicPhotoParams>;
    const { size } = request.query as Static<typeof SizeQuery>;
    const content = await photos.readPublicPhoto(env, ticketNo, photoId, size ?? 'original');
    // Open311 clients show these on their own pages.
    reply.header('cross-origin-resource-policy', 'cross-origin');
    return sendPhoto(reply, content, 'public, max-age=3600');
  });
}
