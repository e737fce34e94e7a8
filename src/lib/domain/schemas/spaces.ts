import { z } from 'zod';

const name = z.string({ message: 'validation.required' }).trim().min(2, 'validation.nameTooShort').max(120, 'validation.nameTooLong');

export const organisationSchema = z.object({
	name,
	kind: z.enum(['landlord', 'network', 'city', 'training'], { message: 'validation.required' }),
	description: z.string().trim().max(2000).default('')
});

export const agencySchema = z.object({ organisationId: z.string().min(1).max(40), name });

/**
 * One residence is at most a few thousand homes; the bound keeps one form post from writing
 * hundreds of thousands of rows (100 buildings × 2,000 dwellings was accepted before) while every
 * other request waits on the database.
 */
export const MAX_DWELLINGS_PER_RESIDENCE = 5000;
export const MAX_BUILDINGS_PER_RESIDENCE = 100;

export const residenceSchema = z.object({
	organisationId: z.string().min(1, 'validation.required').max(40),
	agencyId: z.string().max(40).optional(),
	name,
	city: z.string().trim().max(120).default(''),
	address: z.string().trim().max(300).default(''),
	buildings: z
		.array(
			z.object({
				name: z.string().trim().min(1, 'validation.required').max(60, 'validation.nameTooLong'),
				dwellings: z.coerce.number({ message: 'validation.number' }).int('validation.number').min(1, 'validation.dwellings').max(2000, 'validation.dwellings')
			})
		)
		.min(1, 'validation.buildingsRequired')
		.max(MAX_BUILDINGS_PER_RESIDENCE, 'access.tooManyBuildings')
		.refine((list) => list.reduce((n, b) => n + b.dwellings, 0) <= MAX_DWELLINGS_PER_RESIDENCE, 'access.tooManyDwellings')
});

export const collegeInput = z.object({
	name: z.string().trim().min(2, 'validation.nameTooShort').max(120),
	weight: z.coerce.number({ message: 'validation.number' }).gt(0, 'validation.weight').lte(1, 'validation.weight'),
	seats: z.coerce.number({ message: 'validation.number' }).int().min(0).max(1000).default(0)
});

export const bodySchema = z.object({
	organisationId: z.string().min(1, 'validation.required').max(40),
	name,
	description: z.string().trim().max(2000).default(''),
	proxyLimit: z.coerce.number().int().min(0).max(10).default(1),
	colleges: z.array(collegeInput).max(20).default([])
});

export const trainingSessionSchema = z.object({ organisationId: z.string().min(1).max(40), name });

export const joinCodeSchema = z.object({
	residenceId: z.string().min(1).max(40),
	validDays: z.coerce.number().int().min(1).max(365).default(90)
});
