import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Env } from '../core/env.js';
import { exportCases } from './cases.export.js';
import { CaseFilterQuery } from './cases.schema.js';

/** The case list as a CSV download. */
export async function caseExportRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  // A static segment: Fastify matches it before /api/v1/cases/:id.
  app.get('/api/v1/cases/export.csv', {
    schema: {
      tags: ['cases'],
      summary: 'The case list as CSV: every case the filters match in your jurisdiction, newest first',
      description: 'Takes the filters of GET /api/v1/cases, without paging. UTF-8 with a byte-order mark, Chinese headers with the field in brackets; no reporter and no description. Streamed, so a million cases download in under a minute; each export is audited with its filter and row count.',
      querystring: CaseFilterQuery,
    },
  }, async (request, reply) => {
    const file = await exportCases(env, request.ctx, request.query as Static<typeof CaseFilterQuery>);
    // HEAD says what a GET would get without reading (or auditing) a case: the file is never started.
    // A GET waits for the first cases before answering, so a read that fails at once (the database
    // gone) is an ordinary error answer, not a download cut off before its first line.
    const first = request.method === 'HEAD' ? null : await file.chunks.next();
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${file.fileName}"`,
      'cache-control': 'no-store',
      'x-request-id': request.id,
    });
    if (first === null || first.done) return void reply.raw.end();
    reply.raw.write(first.value);
    await stream(file.chunks, reply.raw, request.log);
  });
}

/**
 * Writes chunks as fast as the client reads them: waits for `drain` when the socket's buffer is
 * full, and stops reading the database once the client has gone.
 */
async function stream(chunks: AsyncGenerator<string>, raw: ServerResponse, log: FastifyBaseLogger): Promise<void> {
  let gone = false;
  raw.once('close', () => (gone = true));
  try {
    for await (const chunk of chunks) {
      if (gone || raw.destroyed) break;
      if (!raw.write(chunk)) await drained(raw);
    }
    if (!gone && !raw.destroyed) raw.end();
  } catch (err) {
    // The headers are out: all that is left is to cut the download short, so it cannot pass for complete.
    log.error({ err }, 'case export failed');
    raw.destroy();
  }
}

/** Resolves when the client has read what was buffered, or has gone. */
function drained(raw: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done);
      raw.off('close', done);
      resolve();
    };
    raw.on('drain', done);
    raw.on('close', done);
  });
}
