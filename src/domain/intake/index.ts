/** Intake (工单接入): orders pushed from 12345 and other platforms — reading, placing, calling back. */
export * from './order';
export * from './routing';
export * from './callbacks';
