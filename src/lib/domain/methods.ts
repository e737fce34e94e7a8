/**
 * Facts about voting methods that ballot forms need in the browser, kept apart from the zod schemas
 * of `consultations.ts` so that a vote page does not download zod.
 */
import { METHODS, POSITIONS, type Method } from './voting/types';

export { METHODS, POSITIONS };
export type { Method };

export const RANKED_METHODS = ['schulze', 'irv', 'borda'] as const satisfies readonly Method[];
export const isRanked = (m: Method) => (RANKED_METHODS as readonly Method[]).includes(m);
/** A show of hands gives one number per option: only these methods can take it. */
export const HAND_COUNT_METHODS = ['plurality', 'approval', 'yes-no-abstain'] as const satisfies readonly Method[];
export const acceptsHandCount = (m: Method) => (HAND_COUNT_METHODS as readonly Method[]).includes(m);

/** How a vote recorded by staff for a tenant was given (issue 7's assisted votes). */
export const ASSISTED_CHANNELS = ['door', 'phone', 'paper'] as const;
export type AssistedChannel = (typeof ASSISTED_CHANNELS)[number];
/** The most answers a consultation may offer. */
export const MAX_OPTIONS = 12;
