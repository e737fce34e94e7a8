import { describe, expect, it } from 'vitest';
import { nameKey, normalizeDisplayName } from './names';
import { displayName } from './schemas/accounts';

describe('display names (issue 7, finding 10)', () => {
	it('strips bidirectional overrides, isolates, zero-width and control characters', () => {
		expect(normalizeDisplayName('\u202EClaire Martin\u202C')).toBe('Claire Martin');
		expect(normalizeDisplayName('Cl\u200Baire\u2066 Mar\uFEFFtin\u0007')).toBe('Claire Martin');
		expect(normalizeDisplayName('Amina\u00A0\u00A0 \t B.')).toBe('Amina B.');
	});

	it('composes accents (NFC) and caps stacked combining marks', () => {
		expect(normalizeDisplayName('Jose\u0301phine')).toBe('Joséphine');
		expect(normalizeDisplayName('Z\u0300\u0301\u0302\u0303\u0304oé')).toBe('Z\u0300\u0301oé');
	});

	it('bounds the length after normalising, and needs a letter', () => {
		expect(displayName.safeParse('\u202E\u202E\u202Ea').success).toBe(false);
		expect(displayName.safeParse('a'.repeat(61)).success).toBe(false);
		expect(displayName.safeParse('\u200B'.repeat(100) + 'Amina B.').data).toBe('Amina B.');
		expect(displayName.safeParse('12 34').error?.issues[0]?.message).toBe('access.nameNeedsLetter');
		expect(displayName.safeParse('Karim D.').data).toBe('Karim D.');
	});

	it('compares names regardless of case, accents, spacing, punctuation and full-width forms', () => {
		const claire = nameKey('Claire Martin');
		for (const lookalike of ['claire martin', 'CLAIRE  MARTIN', 'Clàire-Martin', 'Ｃｌａｉｒｅ Ｍａｒｔｉｎ', '\u202EClaire Martin', 'Claire.Martin']) expect(nameKey(lookalike)).toBe(claire);
		expect(nameKey('Claire M.')).not.toBe(claire);
	});
});
