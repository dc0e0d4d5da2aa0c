/** Attendance (考勤): grid boundaries, leave, the daily patrol rule. */
export * from './boundary';
export * from './leave';
export * from './patrol';
