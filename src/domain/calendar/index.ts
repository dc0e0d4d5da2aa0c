/** The working-day calendar, the official holiday arrangement, deadline input and daily case numbers. */
export * from './working-calendar';
export * from './arrangement';
export * from './deadline-parser';
export * from './daily-number';
