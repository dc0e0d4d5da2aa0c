export * from './daiban';
export * from './catalogue';
export * from './reminders';
