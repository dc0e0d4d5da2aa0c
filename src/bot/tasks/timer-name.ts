/** The jobs layer's timers queue, named here so the bot layer does not import src/jobs. */
export const TIMERS_QUEUE_NAME = 'timers';
