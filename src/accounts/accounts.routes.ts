import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { Env } from '../core/env.js';
import { bearerToken } from '../core/http/auth.js';
import { acceptRawUploads, readUpload, uploadRoute } from '../core/http/uploads.js';
import { detectFormat, readSheet } from '../core/sheets.js';
import { IdParams } from '../geo/geo.schema.js';
import { ACCOUNT_IMPORT_MAX_ROWS } from './accounts.contract.js';
import { checkAccountImport, importAccounts } from './accounts.import.js';
import { LoginBody, NewUserBody, PasswordBody, PasswordResetBody, UserChangeBody, UserImportQuery, UserListQuery } from './accounts.schema.js';
import * as accounts from './accounts.service.js';
import { LoginThrottle } from './login-throttle.js';

// The hook has checked the header: signed in, the caller has a token of the right shape.
const bearer = (request: FastifyRequest) => bearerToken(request) ?? '';

/** Sign-in, sessions and user administration. */
export async function accountRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  const throttle = new LoginThrottle();

  app.post('/api/v1/auth/login', {
    schema: { tags: ['auth'], security: [], summary: 'Sign in; answers a bearer token and the user', body: LoginBody },
  }, async (request) => {
    const { username, password } = request.body as Static<typeof LoginBody>;
    return accounts.login(env, request.ctx, throttle, username, password);
  });

  app.post('/api/v1/auth/logout', { schema: { tags: ['auth'], summary: 'End this session' } }, async (request, reply) => {
    await accounts.logout(env, request.ctx, bearer(request));
    return reply.status(204).send();
  });

  app.get('/api/v1/auth/me', { schema: { tags: ['auth'], summary: 'The signed-in user' } }, async (request) => accounts.me(env, request.ctx));

  app.post('/api/v1/auth/password', {
    schema: { tags: ['auth'], summary: 'Change your password; your other sessions end', body: PasswordBody },
  }, async (request, reply) => {
    const body = request.body as Static<typeof PasswordBody>;
    await accounts.changePassword(env, request.ctx, bearer(request), body.currentPassword, body.newPassword);
    return reply.status(204).send();
  });

  app.get('/api/v1/users', {
    schema: { tags: ['users'], summary: 'Users in your jurisdiction', querystring: UserListQuery },
  }, async (request) => accounts.listUsers(env, request.ctx, request.query as Static<typeof UserListQuery>));

  app.get('/api/v1/users/:id', {
    schema: { tags: ['users'], summary: 'One user', params: IdParams },
  }, async (request) => accounts.getUser(env, request.ctx, (request.params as Static<typeof IdParams>).id));

  app.post('/api/v1/users', {
    schema: { tags: ['users'], summary: 'Create a user in your jurisdiction', body: NewUserBody },
  }, async (request, reply) => reply.status(201).send(await accounts.createUser(env, request.ctx, request.body as Static<typeof NewUserBody>)));

  // A plugin of its own, so that only the import takes a file as the raw request body.
  await app.register(async (uploads) => {
    acceptRawUploads(uploads, env.config.importMaxBytes);
    uploads.post('/api/v1/users/import', {
      ...uploadRoute(env.config.importMaxBytes, 'users.write'),
      schema: {
        tags: ['users'],
        summary: 'Create staff accounts in bulk from CSV or XLSX, each with a random first password; all or nothing',
        description: `Send the file as multipart (field "file") or as the raw body: a header row (username, displayName, role, area, department, phone, or 用户名, 姓名, 角色, 区域/辖区, 部门, 电话/手机), then one account a row, at most ${ACCOUNT_IMPORT_MAX_ROWS.toLocaleString('en')}. `
          + 'Answers 201 with each account and its initialPassword, shown this once and stored nowhere; with dryRun=true, 200 with the accounts it would make and nothing written. '
          + 'A rejected file answers 422 with a report naming each offending row and column.',
        querystring: UserImportQuery,
      },
    }, async (request, reply) => {
      const query = request.query as Static<typeof UserImportQuery>;
      const file = await readUpload(request, env.config.importMaxBytes);
      const rows = await readSheet(file.content, query.format ?? detectFormat(file.content, file.filename, file.mediaType) ?? 'csv');
      if (query.dryRun) return checkAccountImport(env, request.ctx, rows);
      // A client gone before the accounts are written would never see their passwords: then none are made.
      const gone = new AbortController();
      reply.raw.once('close', () => { if (!reply.raw.writableFinished) gone.abort(); });
      const result = await importAccounts(env, request.ctx, rows, gone.signal);
      return reply.status(201).header('cache-control', 'no-store').send(result);
    });
  });

  app.patch('/api/v1/users/:id', {
    schema: { tags: ['users'], summary: 'Change a user\'s name, role, area, department, phone or whether they may sign in', params: IdParams, body: UserChangeBody },
  }, async (request) => accounts.updateUser(env, request.ctx, (request.params as Static<typeof IdParams>).id, request.body as Static<typeof UserChangeBody>));

  app.post('/api/v1/users/:id/password', {
    schema: { tags: ['users'], summary: 'Set a new password for a user who lost theirs; their sessions end', params: IdParams, body: PasswordResetBody },
  }, async (request, reply) => {
    await accounts.resetPassword(env, request.ctx, (request.params as Static<typeof IdParams>).id, (request.body as Static<typeof PasswordResetBody>).newPassword);
    return reply.status(204).send();
  });

  app.delete('/api/v1/users/:id', {
    schema: { tags: ['users'], summary: 'Deactivate a user and end their sessions', params: IdParams },
  }, async (request, reply) => {
    await accounts.deactivateUser(env, request.ctx, (request.params as Static<typeof IdParams>).id);
    return reply.status(204).send();
  });
}
