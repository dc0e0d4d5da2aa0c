/** The time-limited task (限时办结): life cycle and reminder ladder. */
export * from './task';
export * from './lifecycle';
export * from './reminders';
export * from './snooze';
