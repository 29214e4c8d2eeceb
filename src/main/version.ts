// Injected by the build (scripts/build-main.mjs); falls back for unit tests.
declare const __VIRTDECK_VERSION__: string | undefined;
export const VERSION: string = typeof __VIRTDECK_VERSION__ === 'string' ? __VIRTDECK_VERSION__ : '0.0.0-dev';
