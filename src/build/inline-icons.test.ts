import { describe, expect, it } from 'vitest';
import { iconDataOf, inlineIcons, spriteOf, styledClasses, type IconData } from './inline-icons';

const icons: Record<string, IconData> = {
	'arrow-left': { name: 'arrow-left', node: [['path', { d: 'm12 19-7-7 7-7' }]] },
	star: { name: 'star', node: [['circle', { cx: '12', cy: '12', r: '10' }]], aliases: ['star-old'] }
};
const load = async (name: string) => icons[name]!;

describe('inline lucide icons', () => {
	it('writes an icon tag as the svg lucide renders and drops its import', async () => {
		const out = await inlineIcons(
			`<script lang="ts">\n\timport ArrowLeft from '@lucide/svelte/icons/arrow-left';\n\tlet n = 2;\n</script>\n\n<a href="/"><ArrowLeft size={18} aria-hidden="true" /> Back</a>\n`,
			load
		);
		expect(out).not.toContain('@lucide');
		expect(out).toContain(
			'<a href="/"><svg xmlns="http://www.w3.org/2000/svg" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" class="lucide lucide-arrow-left lucide-icon" aria-hidden="true"><path d="m12 19-7-7 7-7" /></svg> Back</a>'
		);
	});

	it('keeps dynamic sizes and classes, adds aria-hidden when no accessible name is given, and lists aliases', async () => {
		const out = (await inlineIcons(`<script>\n\timport Star from '@lucide/svelte/icons/star';\n</script>\n<Star {size} class={cls} />\n<Star class="big"\n\tsize={20} />`, load))!;
		expect(out).toContain('width={size} height={size}');
		expect(out).toContain(`class={['lucide lucide-star lucide-star-old lucide-icon', cls]} aria-hidden="true"`);
		expect(out).toContain('class="lucide lucide-star lucide-star-old lucide-icon big"');
	});

	it('leaves an icon used as a value (and its import) alone', async () => {
		const src = `<script>\n\timport Star from '@lucide/svelte/icons/star';\n\tconst Icon = Star;\n</script>\n<Icon />`;
		expect(await inlineIcons(src, load)).toBeNull();
		const mixed = (await inlineIcons(`<script>\n\timport Star from '@lucide/svelte/icons/star';\n\tconst Icon = Star;\n</script>\n<Star />`, load))!;
		expect(mixed).toContain("import Star from '@lucide/svelte/icons/star'");
		expect(mixed).toContain('<svg');
	});

	it('does not touch a spread, a tag in the script, or a file without lucide icons', async () => {
		expect(await inlineIcons(`<script>\n\timport Star from '@lucide/svelte/icons/star';\n\tlet p = {};\n</script>\n<Star {...p} />`, load)).toBeNull();
		expect(await inlineIcons(`<p>no icons</p>`, load)).toBeNull();
	});

	it('with a sprite, draws each icon as a <use> of its symbol there', async () => {
		const out = (await inlineIcons(`<script>\n\timport Star from '@lucide/svelte/icons/star';\n</script>\n<Star size={16} aria-hidden="true" />`, load, '/_app/immutable/assets/icons.abc.svg'))!;
		expect(out).toContain('<svg width="16" height="16" class="lucide lucide-star" aria-hidden="true"><use href="/_app/immutable/assets/icons.abc.svg#star" /></svg>');
		expect(spriteOf([icons.star!, icons['arrow-left']!, icons.star!])).toBe(
			'<svg xmlns="http://www.w3.org/2000/svg"><symbol id="arrow-left" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="m12 19-7-7 7-7" /></symbol><symbol id="star" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><circle cx="12" cy="12" r="10" /></symbol></svg>\n'
		);
	});

	it("with a sprite, keeps only lucide's classes that the styles name", async () => {
		const styled = styledClasses(['[dir="rtl"] :is(.lucide-arrow-left, .lucide-send) { scale: -1 1; }', '<style>.x :global(.lucide-stars) {}</style>']);
		expect([...styled].sort()).toEqual(['lucide-arrow-left', 'lucide-send', 'lucide-stars']);
		const source = `<script>\n\timport Star from '@lucide/svelte/icons/star';\n\timport ArrowLeft from '@lucide/svelte/icons/arrow-left';\n</script>\n<Star size={16} />\n<ArrowLeft size={16} />\n<Star size={16} class="big" />\n<Star size={16} class={cls} />`;
		const out = (await inlineIcons(source, load, '/_app/immutable/i.abc.svg', styled))!;
		expect(out).toContain('<svg width="16" height="16" aria-hidden="true"><use href="/_app/immutable/i.abc.svg#star" /></svg>');
		expect(out).toContain('<svg width="16" height="16" class="lucide-arrow-left" aria-hidden="true"><use href="/_app/immutable/i.abc.svg#arrow-left" /></svg>');
		expect(out).toContain('<svg width="16" height="16" class="big" aria-hidden="true">');
		expect(out).toContain(`<svg width="16" height="16" class={['', cls]} aria-hidden="true">`);
	});

	it("reads lucide's icon data from its component", () => {
		const data = iconDataOf(`<script lang="ts">import Icon from '../Icon.svelte';\nlet props = $props();\nconst iconData = { "name": "x", "size": 24, "node": [["path", { "d": "M18 6 6 18" }]] };\n</script>\n<Icon {...props} icon={iconData} />`);
		expect(data).toEqual({ name: 'x', size: 24, node: [['path', { d: 'M18 6 6 18' }]] });
	});
});
