/** The working-day calendar, deadline input and daily case numbers. */
export * from './working-calendar';
export * from './deadline-parser';
export * from './daily-number';
