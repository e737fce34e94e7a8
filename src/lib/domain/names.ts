/**
 * Display names people choose for themselves (joining with a poster code, accepting an invitation).
 * Pure, shared by the schemas and by the server's reserved-name check.
 */

/**
 * Invisible or direction-changing characters: C0/C1 controls, format characters (bidi embeddings
 * and overrides U+202A–U+202E, isolates U+2066–U+2069, zero-width U+200B–U+200F, U+2060, U+FEFF,
 * soft hyphen), and the blank fillers that render as nothing (Hangul fillers, braille blank).
 * Wave 2 joined as "Claire Martin" wrapped in a right-to-left override.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\u115F\u1160\u3164\uFFA0\u2800]/gu;
/** More than two combining marks on one letter is decoration that spills over neighbouring lines. */
const STACKED_MARKS = /(\p{M}{2})\p{M}+/gu;

export const NAME_MIN = 2;
export const NAME_MAX = 60;

export function normalizeDisplayName(input: string): string {
	return input.normalize('NFC').replace(INVISIBLE, '').replace(STACKED_MARKS, '$1').replace(/\s+/gu, ' ').trim();
}

/**
 * What two names have in common when one imitates the other: case, accents, compatibility forms
 * (full-width letters), spaces and punctuation do not count. "CLAIRE  martin", "Clàire-Martin" and
 * "Ｃｌａｉｒｅ Ｍａｒｔｉｎ" all give "clairemartin".
 */
export function nameKey(name: string): string {
	return searchKey(name).replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * A name as a search compares it: without accents or case, spaces kept ("Élodie M" is found by
 * "elodie m"; "Ｅｌｏｄｉｅ" too).
 */
export function searchKey(text: string): string {
	return normalizeDisplayName(text).normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase('fr');
}

const frenchOrder = new Intl.Collator('fr', { sensitivity: 'variant', numeric: true });

/** Names in a list as French readers sort them: "Élodie" with the E (accents and case after the letter), not after the Z as the engines' byte order has it. */
export const compareNames = (a: string, b: string): number => frenchOrder.compare(a, b);
