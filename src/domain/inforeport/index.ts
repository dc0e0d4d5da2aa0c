/** The info report (信息报送): categories, answers, and when a period happens. */
export * from './categories';
export * from './period';
