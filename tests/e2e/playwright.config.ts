import { defineConfig, devices } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 4173);
const DB = process.env.E2E_DATABASE_URL ?? 'data/e2e/app.db';

export default defineConfig({
	testDir: '.',
	outputDir: '../../test-results/e2e',
	// Generous: several steps run axe at two widths, and CI machines are sometimes busy. Not a timing goal.
	timeout: 60_000,
	expect: { timeout: 10_000 },
	fullyParallel: false,
	workers: 1,
	retries: 0,
	reporter: [['list']],
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		locale: 'fr-FR',
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run']
		}
	},
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
	webServer: {
		// The built app on a fresh SQLite file with the demo data, exactly as `npm run demo` serves it.
		command: `rm -rf ${DB}* && DATABASE_URL=${DB} node_modules/.bin/tsx src/cli/seed.ts && DATABASE_URL=${DB} PORT=${PORT} HOST=127.0.0.1 LOG_LEVEL=warn node_modules/.bin/tsx src/server.ts`,
		cwd: '../..',
		url: `http://127.0.0.1:${PORT}/`,
		reuseExistingServer: false,
		timeout: 90_000,
		stdout: 'ignore',
		stderr: 'pipe'
	}
});
