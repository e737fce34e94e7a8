import { existsSync } from 'node:fs';

/**
 * Which Chromium the suite drives: CHROMIUM_PATH when set; else Debian's headless shell
 * (`apt-get install -y chromium-headless-shell`, which `.ci/run` installs), the headless build of the
 * same Chromium (same Blink and V8) that Playwright itself runs headless by default; else Debian's
 * full browser, `/usr/bin/chromium`, in its new headless mode.
 *
 * Measured on a two-core machine: votes.spec alone took 94 s with the full browser and 66 s with the
 * shell (Chromium's CPU time 81 s and 21 s); the whole suite, in two CI runs on that machine, 13.5 min
 * and 9.9 min, the same 134 tests passing. The full browser runs the whole of Chrome's browser layer
 * around each headless page.
 * `CHROMIUM_PATH=/usr/bin/chromium npm run test:e2e` runs the suite in it.
 */
export const CHROMIUM_PATH =
	process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium-headless-shell') ? '/usr/bin/chromium-headless-shell' : '/usr/bin/chromium');

/** The switches every launch takes (no sandbox in a container, no GPU, nothing fetched from the network). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run'];
