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

/** Which page of a long list, and the search (from the page's address: a wrong value is page 1, no search). */
export const listQuerySchema = z
	.object({
		page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
		q: searchQuerySchema
	})
	.catch({ page: 1, q: '' });

/** Where a long list stands: everything, what the search found, and the page shown of it. */
export interface ListPage {
	total: number;
	perPage: number;
	matches: number;
	page: number;
	pages: number;
	q: string;
}

/** The page asked for of what was found (past the end: the last page), and where it starts. */
export function onePage<T>(found: readonly T[], asked: number, perPage: number): { items: T[]; offset: number; page: number; pages: number } {
	const pages = Math.max(1, Math.ceil(found.length / perPage));
	const page = Math.min(asked, pages);
	const offset = (page - 1) * perPage;
	return { items: found.slice(offset, offset + perPage), offset, page, pages };
}

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
