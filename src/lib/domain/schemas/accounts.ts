import { z } from 'zod';
import { NAME_MAX, NAME_MIN, normalizeDisplayName } from '../names';
import { roles, spaceTypes } from '../policy';

/** Messages are i18n keys: the door that shows the error translates them. */

/** Normalised first (NFC, no invisible or direction-changing characters, single spaces), then bounded. */
export const displayName = z
	.string({ message: 'validation.required' })
	.max(400, 'validation.nameTooLong')
	.transform(normalizeDisplayName)
	.pipe(
		z
			.string()
			.min(NAME_MIN, 'validation.nameTooShort')
			.max(NAME_MAX, 'validation.nameTooLong')
			.regex(/\p{L}/u, 'access.nameNeedsLetter')
	);

export const newPassword = z
	.string({ message: 'validation.required' })
	.min(10, 'validation.passwordTooShort')
	.max(200, 'validation.passwordTooLong');

export const email = z.string({ message: 'validation.required' }).trim().toLowerCase().pipe(z.email('validation.email'));

export const signInSchema = z.object({
	username: z.string({ message: 'validation.required' }).trim().toLowerCase().min(1, 'validation.required').max(200),
	password: z.string({ message: 'validation.required' }).min(1, 'validation.required').max(200)
});

export const joinSchema = z.object({
	code: z.string().trim().min(4, 'join.invalidCode').max(20, 'join.invalidCode'),
	displayName,
	householdId: z.string({ message: 'join.chooseDwelling' }).min(1, 'join.chooseDwelling').max(40),
	password: newPassword,
	discreet: z.boolean().default(false)
});

export const changePasswordSchema = z
	.object({ current: z.string().min(1, 'validation.required').max(200), next: newPassword, confirm: z.string() })
	.refine((v) => v.next === v.confirm, { message: 'validation.passwordMismatch', path: ['confirm'] });

export const redeemResetSchema = z.object({
	code: z.string().trim().min(4, 'reset.invalidCode').max(20, 'reset.invalidCode'),
	password: newPassword
});

export const redeemInviteSchema = z.object({
	token: z.string().min(10, 'invite.invalid').max(100, 'invite.invalid'),
	displayName,
	password: newPassword
});

export const spaceRefSchema = z.object({ type: z.enum(spaceTypes), id: z.string().min(1).max(40) });

export const inviteSchema = z.object({
	email,
	space: spaceRefSchema.optional(),
	role: z.enum(roles).optional(),
	collegeId: z.string().max(40).optional(),
	makeAdmin: z.boolean().default(false)
});

export const assignRoleSchema = z.object({
	userId: z.string().min(1).max(40),
	space: spaceRefSchema,
	role: z.enum(roles, { message: 'validation.role' }),
	collegeId: z.string().max(40).optional()
});

export const localeSchema = z.enum(['fr', 'en', 'ar']);
/** The easy-read switch as a form sends it. */
export const easyReadSchema = z.enum(['1', '0']).transform((v) => v === '1');
