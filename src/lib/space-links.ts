import type { SpaceType } from '$lib/domain/policy';

const prefix: Record<SpaceType, string> = { residence: '/r/', body: '/b/', training: '/t/' };
export const spaceHref = (type: SpaceType, id: string) => `${prefix[type]}${id}`;
