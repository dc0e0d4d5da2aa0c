/** Assessment (考核): periods, scoring rules, the 100-point score and rankings. */
export * from './period';
export * from './rules';
export * from './score';
export * from './rank';
