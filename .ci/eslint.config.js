// Lives in .ci/ to keep the repository's top level to its agreed shape; run with `eslint -c .ci/eslint.config.js`.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from '../svelte.config.js';

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'data/', 'test-results/', 'playwright-report/', 'drizzle/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{ languageOptions: { globals: { ...globals.browser, ...globals.node } } },
	{
		files: ['**/*.ts', '**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		},
		rules: {
			// Async socket handlers and callbacks are where lost errors hide.
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			'no-undef': 'off',
			// The app is always served at the root (no `paths.base`), so plain hrefs are correct.
			'svelte/no-navigation-without-resolve': 'off',
			// The barrel pulls all ~1,900 icons into every build (4,500 modules instead of ~700).
			'no-restricted-imports': [
				'error',
				{
					paths: [
						{
							name: '@lucide/svelte',
							message: "Import each icon from its own module: import Check from '@lucide/svelte/icons/check'.",
							allowTypeImports: true
						}
					]
				}
			]
		}
	},
	{
		// Code converted to the async data handle (src/lib/server/db/data.ts, issue 12) runs on SQLite
		// and PostgreSQL: only awaited builders. A folder joins this list once converted.
		files: [
			'src/lib/server/services/residence-rules.ts',
			// issue 12 (practice helper): the proposals service, with its tests.
			'src/lib/server/services/proposals/*.ts',
			'src/lib/server/services/activities/!(*.test).ts',
			'src/lib/server/auth/session.ts',
			'src/lib/server/realtime/live-auth.ts',
			'src/lib/server/realtime/live-auth.test.ts',
			'src/lib/server/services/auth.ts',
			'src/lib/server/services/admin.ts',
			'src/lib/server/services/spaces.ts',
			'src/lib/server/services/reserved-names.ts',
			'src/lib/server/services/admin.test.ts',
			'src/lib/server/services/auth.test.ts',
			// The demo seeds.
			'src/lib/server/demo/*.ts',
			// The practice service with its marker, snapshot and tests.
			'src/lib/server/services/practice/*.ts',
			// issue 12 (collab helper): collaborative documents (store, service, access, their tests), the live
			// hub, the bench of the log, the hub's integration test.
			'src/lib/server/collab/*.ts',
			'src/lib/server/realtime/collab-hub.ts',
			'src/bench/collab.ts',
			'tests/integration/collab.test.ts',
			'tests/integration/cluster-collab.test.ts',
			// issue 12 (meetings helper): meetings, minutes, portal (their tests too).
			'src/lib/server/services/meetings/**/*.ts',
			'src/lib/server/services/minutes/**/*.ts',
			'src/lib/server/services/portal/**/*.ts',
			// issue 12 (votes helper): the consultations service; its tests still check what was written through the SQLite handle.
			'src/lib/server/services/consultations/!(*.test).ts',
			// issue 12 (leaves helper): notifications (record, views, preferences, votes, mail pass, account mail), the mail outbox.
			'src/lib/server/services/notifications/**/*.ts',
			'src/lib/server/mail/outbox.ts',
			// The register service and its test.
			'src/lib/server/services/register/*.ts',
			// issue 12 (insight helper): indicators, surveys and voice comments with their tests and demo seeds.
			// Not yet: surveys/voice.test.ts (it reads SQLite's rowid through the driver on purpose, on SQLite only).
			'src/lib/server/services/indicators/*.ts',
			'src/lib/server/services/surveys/!(*.test).ts',
			'src/lib/server/services/surveys/surveys.test.ts',
			'src/lib/server/services/surveys/send.test.ts',
			'src/lib/server/services/voice/*.ts',
			// issue 12 (suites helper): service and integration suites run on both engines.
			'src/lib/server/scheduler.test.ts',
			'src/lib/server/services/practice/anonymise.test.ts',
			'tests/integration/assisted.test.ts',
			'tests/integration/portal-residence.test.ts',
			'tests/integration/register-feed.test.ts',
			'tests/integration/vote-lifecycle.test.ts',
			// Their collab parts (minutes' live draft, hostile Yjs bytes) run on SQLite until the collab store is converted.
			'tests/integration/policy-matrix-meetings.test.ts',
			'tests/integration/socket-fuzz.test.ts',
		],
		rules: {
			'no-restricted-syntax': [
				'error',
				{
					selector: "CallExpression[arguments.length=0][callee.type='MemberExpression'][callee.property.name=/^(get|all|run|values)$/]",
					message: 'Await the builder instead (these calls do not exist on PostgreSQL): `await db.select()…`, `first(db.select()…)`.'
				},
				{
					selector: "CallExpression[callee.property.name='transaction']",
					message: 'Use `data.write(async (tx) => …)` (db/data.ts): one unit of work on both engines.'
				}
			],
			'no-restricted-imports': [
				'error',
				{
					paths: [
						{ name: '../db', importNames: ['transaction'], message: 'Use `data.write` (db/data.ts).' },
						{ name: '../db/schema', message: 'Take the tables from `deps.data.t`: on PostgreSQL they are the twin schema.', allowTypeImports: true },
						{ name: '../../db/schema', message: 'Take the tables from `deps.data.t`: on PostgreSQL they are the twin schema.', allowTypeImports: true },
						{ name: '../../db', importNames: ['transaction'], message: 'Use `data.write` (db/data.ts).' }
					]
				}
			]
		}
	},
	{ files: ['**/*.js', '**/*.mjs'], ...ts.configs.disableTypeChecked }
);
