/**
 * Every catalogue, for the server (pages, e-mails, exports, scripts and tests all translate
 * synchronously). The browser build replaces this module with an empty one (see `vite.config.ts`):
 * there, the root layout's `load` fetches only the chunks of the language being read.
 */
import fr from './locales/fr';
import en from './locales/en';
import ar from './locales/ar';
import frFalc from './locales/fr-falc';

export const bundled: Partial<Record<'fr' | 'en' | 'ar' | 'fr-falc', Partial<Record<string, string>>>> = { fr, en, ar, 'fr-falc': frFalc };
