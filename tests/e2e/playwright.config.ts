import { defineConfig, devices } from '@playwright/test';
import { SERVER_COMMAND } from '../../src/cli/server-node.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browser';
import { databaseOf, mailLogOf, PORT_OF_THIS_WORKER, portOf, uploadsOf, WORKERS } from './servers';

export default defineConfig({
	testDir: '.',
	outputDir: '../../test-results/e2e',
	// Generous: several steps run axe at two widths, and CI machines are sometimes busy (on a slow
	// two-core machine the longest vote tests took 58 s of the 60 this was). Not a timing goal.
	timeout: 120_000,
	// Waits too: on a slow two-core machine (the whole suite 36 min, against 10 on a fast one) a meeting
	// room opened beside three other pages took 10 s to hydrate and connect its socket, and the wait for
	// "En direct" gave up at 10 s. A wait ends as soon as the page is right; only a failure waits longer.
	expect: { timeout: 20_000 },
	// Each worker has a server of its own (./servers.ts): files run one after another on each server.
	fullyParallel: false,
	workers: WORKERS,
	retries: 0,
	reporter: [['list']],
	use: {
		baseURL: `http://127.0.0.1:${PORT_OF_THIS_WORKER}`,
		locale: 'fr-FR',
		// No trace by default: recording one for every test (to keep it on failure) made the suite about
		// a sixth slower (board, votes and foundation specs: 3.7 min with, 3.1 without). A failure still
		// writes the page's accessibility snapshot (error-context.md); E2E_TRACE=1 records traces again.
		trace: process.env.E2E_TRACE === '1' ? 'retain-on-failure' : 'off',
		launchOptions: {
			executablePath: CHROMIUM_PATH,
			args: CHROMIUM_ARGS
		}
	},
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
	// The built app on a fresh SQLite file with the demo data, exactly as `npm run demo` serves it: one per worker
	// (its mail log and uploads beside its database, removed with it). Passwords are hashed at scrypt N = 2^12
	// instead of 2^17 (config.ts PASSWORD_HASH_COST): the same code, and a sign-in costs ~20 ms of the
	// server's CPU instead of ~0.6 s (signInByPost alone runs about 160 times in the suite).
	webServer: Array.from({ length: WORKERS }, (_, n) => ({
		command: `rm -rf ${databaseOf(n)}* && export DATABASE_URL=${databaseOf(n)} PASSWORD_HASH_COST=12 MAIL_LOG=${mailLogOf(n)} UPLOAD_DIR=${uploadsOf(n)} && node_modules/.bin/tsx src/cli/seed.ts && PORT=${portOf(n)} HOST=127.0.0.1 LOG_LEVEL=warn ${SERVER_COMMAND}`,
		cwd: '../..',
		url: `http://127.0.0.1:${portOf(n)}/`,
		reuseExistingServer: false,
		// Two servers seed at once on two cores: more time to answer than one alone.
		timeout: 180_000,
		stdout: 'ignore' as const,
		stderr: 'pipe' as const
	}))
});
