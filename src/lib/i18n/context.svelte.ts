import { getContext, setContext } from 'svelte';
import { createI18n, type I18n, type Locale } from './index';

const KEY = Symbol('i18n');

/** Reactive i18n for components: `const i18n = useI18n()`, then `i18n.t(messageKey)`. */
export class I18nState {
	locale = $state<Locale>('fr');
	#current = $derived(createI18n(this.locale));
	constructor(locale: Locale) {
		this.locale = locale;
	}
	get t() {
		return this.#current.t;
	}
	get f(): I18n {
		return this.#current;
	}
}

export function provideI18n(state: I18nState) {
	setContext(KEY, state);
	return state;
}

export function useI18n(): I18nState {
	const state = getContext<I18nState | undefined>(KEY);
	if (!state) throw new Error('useI18n() called outside the root layout');
	return state;
}
