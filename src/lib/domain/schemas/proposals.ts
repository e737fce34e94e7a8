import { z } from 'zod';
import { carriers, categories, statuses } from '../lifecycle';

const id = z.string({ message: 'validation.required' }).trim().min(1, 'validation.required').max(40);
const optionalText = (max: number) =>
	z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(max, 'board.validation.tooLong').optional());

/** "1 200", "1 200 €", "1200,00" → 1200; empty → undefined. Typed on phones, so be lenient. */
const euros = z.preprocess(
	(v) => {
		if (v === null || v === undefined) return undefined;
		if (typeof v === 'number') return v;
		const s = String(v).replace(/[\s\u00a0\u202f€]/g, '').replace(/,\d{1,2}$/, '').replace(/\.\d{1,2}$/, '');
		return s === '' ? undefined : Number(s);
	},
	z.number({ message: 'board.validation.cost' }).int('board.validation.cost').min(0, 'board.validation.cost').max(10_000_000, 'board.validation.cost').optional()
);

const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) =>
	z.preprocess((v) => (v === '' || v === null ? undefined : v), z.enum(values, { message: 'validation.required' }).optional());

export const proposeSchema = z.object({
	residenceId: id,
	title: z.string({ message: 'board.validation.title' }).trim().min(3, 'board.validation.title').max(120, 'board.validation.titleTooLong'),
	description: optionalText(5000),
	category: optionalEnum(categories),
	costEuros: euros,
	carriedBy: optionalEnum(carriers)
});
export type ProposeInput = z.input<typeof proposeSchema>;

export const editSchema = proposeSchema.omit({ residenceId: true, description: true }).extend({ proposalId: id });

export const commentSchema = z.object({
	proposalId: id,
	body: z.string({ message: 'board.validation.comment' }).trim().min(1, 'board.validation.comment').max(2000, 'board.validation.tooLong'),
	parentId: z.preprocess((v) => (v === '' || v === null ? undefined : v), id.optional())
});

export const toggleSchema = z.object({
	proposalId: id,
	on: z.preprocess((v) => v === true || v === 'true' || v === 'on' || v === '1', z.boolean())
});

export const moveSchema = z.object({
	proposalId: id,
	status: z.enum(statuses, { message: 'validation.required' }),
	reason: optionalText(500),
	/** Place in the target column (0 = top); at the end when absent. */
	index: z.preprocess((v) => (v === '' || v === null || v === undefined ? undefined : Number(v)), z.number().int().min(0).max(100_000).optional())
});

export const hideSchema = z.object({
	id,
	reason: z.string({ message: 'board.validation.reason' }).trim().min(3, 'board.validation.reason').max(300, 'board.validation.tooLong')
});

export const undoSchema = z.object({ eventId: z.coerce.number({ message: 'validation.required' }).int().positive() });

/** An author rewriting her comment: the same limits as writing it. */
export const editCommentSchema = z.object({ commentId: id, body: commentSchema.shape.body });
export const commentRefSchema = z.object({ commentId: id });
export const proposalRefSchema = z.object({ proposalId: id });
