/** Every PostgreSQL advisory lock Shiyu takes, in one place so no two features share a number. */
export const LOCKS = {
  auditSeal: 72_616_001,
} as const;
