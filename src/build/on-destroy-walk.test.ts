import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import Tree from './fixtures/destroy-tree.svelte';

/**
 * The server's build replaces how Svelte's renderer finds the `onDestroy` callbacks of a render
 * (vite.config.ts `serverOnDestroyWalk`, taken from Svelte 5.59): they must still all run, once,
 * deepest component first and in document order, as Svelte runs them.
 */
describe('onDestroy on the server (serverOnDestroyWalk)', () => {
	it('runs every callback once, the children before their parent, in document order', () => {
		const log: string[] = [];
		const { body } = render(Tree, { props: { log } });
		expect(body).toContain('<span>fourth</span>');
		expect(log).toEqual(['first', 'second', 'third', 'fourth', 'tree']);
	});
});
