/** Every reported figure, defined once (see figures.ts). */
export * from './figures';
