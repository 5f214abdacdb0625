import { Type } from 'typebox';
import { ROLES } from '../core/access.js';
import { PHONE_PATTERN } from '../core/phone.js';

export const Username = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' });

export const LoginBody = Type.Object({
  username: Username,
  password: Type.String({ minLength: 1, maxLength: 256 }),
}, { additionalProperties: false });

export const PasswordBody = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
  newPassword: Type.String({ minLength: 8, maxLength: 256, description: 'at least 8 characters' }),
}, { additionalProperties: false });

export const Role = Type.Union(ROLES.map((r) => Type.Literal(r)));

export const DisplayName = Type.String({ minLength: 1, maxLength: 100 });
const Jurisdiction = Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'admin unit; null for the whole instance' });
const DepartmentId = Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'required for department handlers' });
const Phone = Type.Union([Type.String({ pattern: PHONE_PATTERN }), Type.Null()]);

export const NewUserBody = Type.Object({
  username: Username,
  displayName: DisplayName,
  password: Type.String({ minLength: 8, maxLength: 256 }),
  role: Role,
  jurisdictionId: Jurisdiction,
  departmentId: Type.Optional(DepartmentId),
  phone: Type.Optional(Phone),
}, { additionalProperties: false });

/** What an administrator may change of an account; the username and the password have their own ways. */
export const UserChangeBody = Type.Object({
  displayName: Type.Optional(DisplayName),
  role: Type.Optional(Role),
  jurisdictionId: Type.Optional(Jurisdiction),
  departmentId: Type.Optional(DepartmentId),
  phone: Type.Optional(Phone),
  active: Type.Optional(Type.Boolean({ description: 'false ends the user\'s sessions; true lets them sign in again' })),
}, { additionalProperties: false, minProperties: 1 });

export const PasswordResetBody = Type.Object({
  newPassword: Type.String({ minLength: 8, maxLength: 256, description: 'at least 8 characters' }),
}, { additionalProperties: false });

export const UserListQuery = Type.Object({
  role: Type.Optional(Role),
  covering: Type.Optional(Type.Integer({ minimum: 1, description: 'only users whose jurisdiction holds this admin unit (it or one above it): who may work there' })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
}, { additionalProperties: false });

export const UserImportQuery = Type.Object({
  dryRun: Type.Boolean({ default: false, description: 'check every row and answer what would be made, writing nothing' }),
  format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { description: 'taken from the file name or content when omitted' })),
}, { additionalProperties: false });
