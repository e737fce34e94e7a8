export * from './types';
export * from './state';
export * from './proxies';
export * from './quorum';
export * from './speakers';
export * from './timers';
export * from './motions';
export * from './public-live';
