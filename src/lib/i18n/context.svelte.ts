import { getContext, setContext } from 'svelte';
import { createI18n, onMessages, type I18n, type Locale } from './index';

const KEY = Symbol('i18n');

/** Reactive i18n for components: `const i18n = useI18n()`, then `i18n.t(messageKey)`. */
export class I18nState {
	locale = $state<Locale>('fr');
	/** Easy-read French asked for (on a French page, the `fr-falc` catalogue comes first). */
	easyRead = $state(false);
	/** Bumped when texts arrive in the browser, so that every text is formatted again. */
	#arrivals = $state(0);
	#current = $derived.by(() => {
		void this.#arrivals;
		return createI18n(this.locale, this.easyRead);
	});
	constructor(locale: Locale, easyRead = false) {
		this.locale = locale;
		this.easyRead = easyRead;
		// One state per tab in the browser; on the server one per request, which must not be kept.
		if (typeof window !== 'undefined') onMessages(() => this.#arrivals++);
	}
	get t() {
		return this.#current.t;
	}
	get f(): I18n {
		return this.#current;
	}
	/** Easy-read is on and applies (the page is in French). */
	get easy(): boolean {
		return this.#current.easyRead;
	}
	get dir(): 'ltr' | 'rtl' {
		return this.#current.dir;
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
