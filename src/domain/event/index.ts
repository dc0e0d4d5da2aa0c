/** The event (事件) closed loop, categories and duplicate detection. */
export * from './event';
export * from './lifecycle';
export * from './categories';
export * from './duplicates';
