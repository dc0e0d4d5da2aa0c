/** The duty roster (值班). */
export * from './roster';
