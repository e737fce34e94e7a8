import { describe, expect, it } from 'vitest';
import { createInflight } from './inflight';

describe('inflight subscriber work', () => {
	it('settles only when all work is done, including work started by running work; a failure does not reject', async () => {
		const inflight = createInflight();
		const done: string[] = [];
		inflight.run('first', async () => {
			await new Promise((r) => setTimeout(r, 5));
			done.push('first');
			inflight.run('second', async () => {
				await new Promise((r) => setTimeout(r, 5));
				done.push('second');
			});
		});
		inflight.run('broken', async () => {
			throw new Error('database closed');
		});
		await inflight.settled();
		expect(done).toEqual(['first', 'second']);
		await inflight.settled();
	});
});
