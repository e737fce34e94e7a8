import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';

/**
 * A message as the browser gets it: already parsed, so that the browser needs no ICU parser (8 KB gzip
 * of its first load). Plain text stays a string; a message with arguments, plurals or selects is its
 * syntax tree, which `formatMessage` (format.ts) formats as it is. In the browser build this module's parser
 * is replaced by one that throws (see vite.config.ts): only the server and the build call it.
 */
export type Compiled = string | MessageFormatElement[];

export function compileMessage(text: string): Compiled {
	const ast = parse(text);
	// A message of text only is sent as that text (ICU escapes resolved).
	if (ast.every((element) => element.type === TYPE.literal)) return ast.map((element) => (element as { value: string }).value).join('');
	return ast;
}

/** Plain text as a message the formatter takes without parsing. */
export const literal = (text: string): MessageFormatElement[] => [{ type: TYPE.literal, value: text }];
