/**
 * Assisted votes: a choice a tenant gave to staff at the door, by phone or on paper, entered for her.
 * Pure rules shared by the service, the forms and the pages.
 *
 * Why they wait: whoever types a vote for someone else could type any vote (wave 2: a facilitator
 * recorded ten "phone" votes for tenants who had never signed in). So an assisted vote is never in
 * the result until the tenant confirms it herself, or a second staff member (never the one who
 * recorded it) witnesses it; the tenant may also say "this was not me", which removes it. Each staff
 * member may record at most `assistedCap` of them per consultation; reaching the cap alerts the
 * space's other staff. The person who records never holds the ballot secret: a secret ballot gets
 * its secret only when the tenant herself confirms (in her own browser).
 */
import { z } from 'zod';

/** `apart`: unconfirmed ones have their own tally beside the result; `uncounted`: only their number shows. */
export const ASSISTED_COUNTING = ['apart', 'uncounted'] as const;
export type AssistedCounting = (typeof ASSISTED_COUNTING)[number];

/** `replaced`: the tenant voted herself before confirming, and her own vote took its place. */
export const ASSISTED_STATES = ['pending', 'confirmed', 'witnessed', 'rejected', 'replaced'] as const;
export type AssistedState = (typeof ASSISTED_STATES)[number];

export const DEFAULT_ASSISTED_CAP = 10;
export const MAX_ASSISTED_CAP = 500;

/** At least this many unconfirmed votes before a secret consultation shows their separate tally. */
export const APART_TALLY_MIN = 5;

/** The creation form's fields for assisted votes. */
export const assistedSettingsSchema = z.object({
	assistedCounting: z.enum(ASSISTED_COUNTING, 'votes.error.assistedCounting').default('apart'),
	assistedCap: z.preprocess(
		(v) => (v === '' || v === null || v === undefined ? DEFAULT_ASSISTED_CAP : v),
		z.coerce.number('votes.error.assistedCap.invalid').int('votes.error.assistedCap.invalid').min(0, 'votes.error.assistedCap.invalid').max(MAX_ASSISTED_CAP, 'votes.error.assistedCap.invalid')
	)
});

/** Whether `witnessId` may witness a vote recorded by `recordedBy` for `voterId`: never the same person. */
export function mayWitness(witnessId: string, recorded: { recordedBy: string; voterId: string }): boolean {
	return witnessId !== recorded.recordedBy && witnessId !== recorded.voterId;
}

/** Whether the separate tally of unconfirmed votes may be shown (secret ballots: only in a crowd). */
export function showsApartTally(c: { assistedCounting: AssistedCounting; secrecy: 'public' | 'secret' }, pending: number): boolean {
	if (c.assistedCounting !== 'apart' || pending === 0) return false;
	return c.secrecy === 'public' || pending >= APART_TALLY_MIN;
}
