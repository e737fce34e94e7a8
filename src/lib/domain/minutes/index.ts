export * from './state';
export * from './canonical';
export * from './chain';
export * from './markdown';
export * from './follow-up';
