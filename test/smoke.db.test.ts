import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance, type TestInstance } from './app.js';

describe('api basics', () => {
  let t: TestInstance;
  beforeAll(async () => { t = await testInstance(); });
  afterAll(async () => { await t.close(); });

  it('answers /healthz with the database state', async () => {
    const res = await t.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: 'ok' });
  });
});
