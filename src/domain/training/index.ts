/** Training hours (培训学时). */
export * from './training';
