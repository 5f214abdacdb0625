import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { Env } from '../core/env.js';
import { AppError, ValidationError } from '../core/errors.js';
import { createPublicCase, getPublicCase, rateCase } from './cases.public.js';
import { Location } from './cases.schema.js';
import { REQUEST_TYPES } from './cases.service.js';
import { PHONE_PATTERN } from '../core/phone.js';

/**
 * Citizen self-service without an account (随手拍): a simple arithmetic challenge, a report
 * with the point picked on the map, the public timeline by ticket number, and the rating by
 * the secret shown once at intake.
 */

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const NO_AUTH = [] as Record<string, string[]>[];

const TicketParams = Type.Object({
  ticketNo: Type.String({ minLength: 1, maxLength: 40, pattern: '^[0-9A-Za-z-]+$', description: 'the ticket number given at intake' }),
});

const PublicCaseBody = Type.Object({
  description: Type.String({ minLength: 1, maxLength: 2000, description: 'what is wrong, in the reporter\'s words' }),
  categoryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 20, pattern: '^[A-Za-z0-9]+$', description: 'a leaf category, when the reporter picked one' })),
  requestType: Type.Optional(literals(REQUEST_TYPES)),
  location: Location,
  address: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  reporter: Type.Optional(Type.Object({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    phone: Type.Optional(Type.String({ pattern: PHONE_PATTERN, description: 'digits, optionally with +, spaces or dashes' })),
  }, { additionalProperties: false, description: 'optional; kept encrypted and never shown publicly' })),
  showPublicly: Type.Optional(Type.Boolean({
    description: 'true lets anyone with the ticket number see the description, address, point, official answers and photos (never the contact); false by default, when only the state, category, dates and steps are public and the reporter reads the rest by the secret',
  })),
  challenge: Type.Object({
    id: Type.String({ minLength: 1, maxLength: 400 }),
    answer: Type.Union([Type.Integer(), Type.String({ minLength: 1, maxLength: 10 })]),
  }, { additionalProperties: false, description: 'from GET /api/v1/public/challenge' }),
}, { additionalProperties: false });

const SecretHeaders = Type.Object({
  'x-case-secret': Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the secret answered at intake' })),
});

const RatingBody = Type.Object({
  secret: Type.String({ minLength: 1, maxLength: 200, description: 'the secret answered at intake' }),
  satisfaction: Type.Integer({ minimum: 1, maximum: 5, description: '1 or 2 reopens the case' }),
  comment: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
}, { additionalProperties: false });

/**
 * Arithmetic questions (3 加 4 等于几？) kept by nobody: the id carries an expiry and an HMAC of
 * the answer, signed, so no table is needed; a nonce used in this process is refused again.
 */
export class PublicChallenges {
  private readonly key: Buffer;
  /** Nonces used (or being used) → when they expire. */
  private readonly used = new Map<string, number>();

  constructor(secret: Buffer, private readonly ttlMs = 10 * 60_000) {
    this.key = crypto.createHmac('sha256', secret).update('shiyu public challenge v1').digest();
  }

  issue(): { id: string; question: string; expiresAt: string } {
    let a = crypto.randomInt(1, 10);
    let b = crypto.randomInt(1, 10);
    const add = crypto.randomInt(2) === 0;
    if (!add && b > a) [a, b] = [b, a];
    const nonce = crypto.randomBytes(12).toString('base64url');
    const expires = Date.now() + this.ttlMs;
    const payload = Buffer.from(JSON.stringify({ n: nonce, e: expires, d: this.digest(nonce, add ? a + b : a - b) })).toString('base64url');
    return { id: `${payload}.${this.mac(payload)}`, question: `${a} ${add ? '加' : '减'} ${b} 等于几？`, expiresAt: new Date(expires).toISOString() };
  }

  /**
   * Checks the answer and takes the challenge out of use; answers a function that puts it back
   * when the request fails for another reason, so the reporter need not solve a new one.
   */
  redeem(id: string, answer: string | number): () => void {
    const refuse = (why: string) => new ValidationError('challenge', why);
    const [payload, mac] = id.split('.');
    if (!payload || !mac || !safeEqual(mac, this.mac(payload))) throw refuse('the challenge is not one of ours; ask for a new one');
    let claim: { n: string; e: number; d: string };
    try {
      claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw refuse('the challenge is not one of ours; ask for a new one');
    }
    const now = Date.now();
    if (claim.e < now) throw refuse('the challenge has expired; ask for a new one');
    if (this.used.has(claim.n)) throw refuse('the challenge has been used; ask for a new one');
    const given = Number(String(answer).trim().replace(/[０-９]/g, (d) => String(d.charCodeAt(0) - 0xff10)));
    if (this.used.size > 10_000) for (const [n, e] of this.used) if (e < now) this.used.delete(n);
    // Taken out of use before the answer is checked: a wrong answer costs the question, so its
    // few possible answers cannot be tried one after another.
    this.used.set(claim.n, claim.e);
    if (!Number.isInteger(given) || !safeEqual(claim.d, this.digest(claim.n, given))) throw refuse('the answer to the challenge is wrong; ask for a new one');
    return () => { this.used.delete(claim.n); };
  }

  private digest(nonce: string, answer: number): string {
    return crypto.createHmac('sha256', this.key).update(`${nonce}:${answer}`).digest('base64url');
  }

  private mac(payload: string): string {
    return crypto.createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

function safeEqual(a: string, b: string): boolean {
  return a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** At most `max` of something (reports, photos) per address within `windowMs`, counted in memory (one process). */
export class ReportLimit {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly max = 10, private readonly windowMs = 3600_000, private readonly what = 'reports') {}

  /** Counts one attempt; throws 429 when the address has made too many. */
  take(ip: string, reply: FastifyReply): void {
    const now = Date.now();
    const recent = (this.hits.get(ip) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.max) {
      const retryAfter = Math.max(1, Math.ceil((recent[0] + this.windowMs - now) / 1000));
      reply.header('retry-after', String(retryAfter));
      throw new AppError(429, 'too_many_requests', `too many ${this.what} from your address; try again in ${retryAfter} s`, undefined, { retryAfter });
    }
    recent.push(now);
    this.hits.set(ip, recent);
    if (this.hits.size > 100_000) {
      for (const [key, times] of this.hits) if (times.every((t) => t <= now - this.windowMs)) this.hits.delete(key);
    }
  }
}

/** The public door's routes; no account, no token. */
export async function publicCaseRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  const challenges = new PublicChallenges(env.auditKey);
  const limit = new ReportLimit();

  app.get('/api/v1/public/challenge', {
    schema: {
      tags: ['public'], security: NO_AUTH,
      summary: 'A question to answer with the next report',
      description: 'Answers {id, question, expiresAt}; send {id, answer} as `challenge` with POST /api/v1/public/cases within ten minutes. Each id is good for one report.',
    },
  }, async () => challenges.issue());

  app.post('/api/v1/public/cases', {
    schema: {
      tags: ['public'], security: NO_AUTH,
      summary: 'Report a problem without an account',
      description: 'Answers 201 {ticketNo, status, secret, followUrl}. The secret is shown once: keep it to rate the outcome. At most 10 reports per address an hour (429).',
      body: PublicCaseBody,
    },
    // Counted after the schema check, so a typo does not use up a reporter's allowance; a wrong
    // answer does, being what a script sends.
    preHandler: async (request: FastifyRequest, reply: FastifyReply) => limit.take(request.ip, reply),
  }, async (request, reply) => {
    const body = request.body as Static<typeof PublicCaseBody>;
    const release = challenges.redeem(body.challenge.id, body.challenge.answer);
    try {
      const created = await createPublicCase(env, { channel: 'citizen_app', ip: request.ip }, {
        requestType: body.requestType ?? 'report',
        categoryCode: body.categoryCode,
        description: body.description,
        address: body.address,
        location: body.location,
        reporter: body.reporter,
        shownPublicly: body.showPublicly ?? false,
      });
      return reply.status(201).send({
        ticketNo: created.ticketNo, status: created.status, secret: created.secret, followUrl: `/api/v1/public/cases/${created.ticketNo}`,
      });
    } catch (err) {
      release();
      throw err;
    }
  });

  app.get('/api/v1/public/cases/:ticketNo', {
    schema: {
      tags: ['public'], security: NO_AUTH, summary: 'Follow a case by its ticket number: status, category and dates; its words and answers when shown',
      description: 'Anyone gets the state, category, dates and the steps taken. The description, address, point, official answers and photos come too when the reporter agreed to show them (`shownPublicly`); the reporter gets all but the photos anyway by sending the secret from intake as `X-Case-Secret`.',
      params: TicketParams, headers: SecretHeaders,
    },
  }, async (request) => getPublicCase(env, (request.params as Static<typeof TicketParams>).ticketNo, (request.headers as Static<typeof SecretHeaders>)['x-case-secret']));

  app.post('/api/v1/public/cases/:ticketNo/rating', {
    schema: {
      tags: ['public'], security: NO_AUTH,
      summary: 'Rate how a case was handled, with the secret from intake',
      description: 'Answers the public view. 403 when the secret does not match, 409 before the case has been handled; 1 or 2 reopens it.',
      params: TicketParams, body: RatingBody,
    },
  }, async (request) => {
    const { ticketNo } = request.params as Static<typeof TicketParams>;
    const body = request.body as Static<typeof RatingBody>;
    return rateCase(env, ticketNo, body.secret, { satisfaction: body.satisfaction, comment: body.comment }, request.ip);
  });
}
