import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeRedirect } from './forms';

const ORIGIN = 'https://board.example.org';

describe('safeRedirect (the language switch and every other redirect taken from a form)', () => {
	it('refuses the classic open-redirect forms', () => {
		for (const v of ['//evil.example', '/.//evil.example', '/a/..//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', 'https://evil.example', 'javascript:alert(1)', '\\\\evil.example', '/%5Cevil.example', ' //evil.example', null, 42])
			expect(safeRedirect(v, ORIGIN), String(v)).toBe('/');
	});

	it('keeps a same-site path with its query and fragment', () => {
		expect(safeRedirect('/r/abc/board?created=x#top', ORIGIN)).toBe('/r/abc/board?created=x#top');
	});

	it('whatever it is given, a browser following the result stays on this site', () => {
		fc.assert(
			fc.property(fc.oneof(fc.string(), fc.string().map((s) => '/' + s), fc.webUrl(), fc.webPath()), (v) => {
				const out = safeRedirect(v, ORIGIN);
				expect(out.startsWith('/')).toBe(true);
				expect(new URL(out, ORIGIN).origin).toBe(ORIGIN);
			}),
			{ numRuns: 2000 }
		);
	});
});
