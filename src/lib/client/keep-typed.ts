/**
 * What a person typed before the page was hydrated, kept through hydration.
 *
 * On a slow phone the server's page is shown, and can be filled in, seconds before its scripts have
 * arrived. Hydration then sets every field Svelte renders from a value (`value={…}`, a textarea's
 * text, `checked={…}`) back to the value the server rendered, and what was typed was lost. The root
 * layout calls `keepTyped()` as it starts hydrating (before any field is set), and the function it
 * returns once the page is hydrated: each field the person changed gets its value back, with the
 * event typing or clicking would have sent (so a `bind:value` or an `oninput` sees it too). Files
 * and multiple selections are left alone (hydration does not clear a file input; the app has no
 * multiple selection).
 */
export function keepTyped(): () => void {
	const kept: [HTMLInputElement, 'checked' | 'value', string | boolean][] = [];
	// A textarea and a select have the same `value`, `defaultValue` and `type` as an input.
	for (const el of document.querySelectorAll<HTMLInputElement>('input,textarea,select')) {
		const key = el.type === 'checkbox' || el.type === 'radio' ? 'checked' : 'value';
		const changed =
			key === 'checked'
				? el.checked !== el.defaultChecked
				: el.type === 'select-one'
					? [...(el as unknown as HTMLSelectElement).options].some((o) => o.selected !== o.defaultSelected)
					: el.type !== 'file' && el.type !== 'select-multiple' && el.value !== el.defaultValue;
		if (changed) kept.push([el, key, el[key]]);
	}
	return () => {
		for (const [el, key, value] of kept) {
			if (!el.isConnected || el[key] === value) continue;
			(el as unknown as Record<string, unknown>)[key] = value;
			// A radio unchecked is what checking another of its group does: only the checked one says so.
			if (value !== false) el.dispatchEvent(new Event(key === 'value' && el.type !== 'select-one' ? 'input' : 'change', { bubbles: true }));
		}
	};
}
