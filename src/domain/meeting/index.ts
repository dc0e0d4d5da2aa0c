/** Meetings (例会): occurrences, carry-over and 督办, agenda composition. */
export * from './meeting';
export * from './carry-over';
export * from './agenda';
