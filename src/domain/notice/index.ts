/** Notices (通知) with receipts (回执) and their reminders. */
export * from './notice';
export * from './reminders';
