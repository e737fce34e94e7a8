import { z } from 'zod';
import type { MessageKey } from '$lib/i18n';
import { UserError } from './errors';

/** A form or payload that failed its schema: one i18n key per field, shown beside the field. */
export class ValidationError extends UserError {
	constructor(readonly fields: Record<string, MessageKey>) {
		super(Object.values(fields)[0] ?? 'error.invalidInput');
	}
}

/** A search typed in a page's address (?q=…): trimmed, 100 characters at most; anything that is not text is no search. */
export const searchQuerySchema = z.string().trim().transform((q) => q.slice(0, 100)).catch('');

export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	const fields: Record<string, MessageKey> = {};
	for (const issue of result.error.issues) {
		const path = issue.path.join('.') || '_';
		// Schemas use i18n keys as messages; anything else (a zod default) becomes a generic message.
		const key = (issue.message.includes('.') && !issue.message.includes(' ') ? issue.message : 'error.invalidInput') as MessageKey;
		fields[path] ??= key;
	}
	throw new ValidationError(fields);
}
