import { can, type RequestContext } from './access.js';
import { recordAudit, type AuditEntry } from './audit.js';
import { maskEmail, maskIdNumber, maskName, maskPhone } from './crypto.js';
import type { Env } from './env.js';

/** Whose personal data a response shows, so its reading can be audited. */
export interface PersonalDataOwner {
  targetType: string;
  targetId: number | string;
  scopePath: string | null;
}

/**
 * Decrypts personal data for one response: masked for roles that do not need it,
 * whole for those that do, and then every owner shown whole is written to the audit
 * trail when the response is ready (call `flush`). `masked` masks it for everyone: for
 * views opened often, where the whole value is asked for on its own and so audited once.
 */
export class PersonalDataReader {
  private readonly reveal: boolean;
  private readonly shown: AuditEntry[] = [];

  constructor(private readonly env: Env, private readonly ctx: RequestContext, { masked = false } = {}) {
    this.reveal = !masked && can(ctx.actor, 'personal.reveal');
  }

  phone(encrypted: string | null, owner: PersonalDataOwner): string | null {
    return this.read(encrypted, owner, 'phone', maskPhone);
  }

  name(encrypted: string | null, owner: PersonalDataOwner): string | null {
    return this.read(encrypted, owner, 'name', maskName);
  }

  email(encrypted: string | null, owner: PersonalDataOwner): string | null {
    return this.read(encrypted, owner, 'email', maskEmail);
  }

  idNumber(encrypted: string | null, owner: PersonalDataOwner): string | null {
    return this.read(encrypted, owner, 'id_number', maskIdNumber);
  }

  private read(encrypted: string | null, owner: PersonalDataOwner, field: string, mask: (v: string) => string): string | null {
    if (!encrypted) return null;
    const plain = this.env.cipher.decrypt(encrypted);
    if (!this.reveal) return mask(plain);
    this.shown.push({ action: 'personal_data.read', targetType: owner.targetType, targetId: owner.targetId, scopePath: owner.scopePath, after: { field } });
    return plain;
  }

  /** Records every unmasked reading of this response. */
  async flush(): Promise<void> {
    if (this.shown.length) await recordAudit(this.env.db, this.ctx, this.shown.splice(0));
  }
}
