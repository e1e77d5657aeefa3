/**
 * Executions in the browser: the REST and websocket client, the live execution model, the
 * execution view and the executions sidebar.
 */
export * from './ansi';
export * from './model';
export * from './client';
export * from './view';
export * from './sidebar';
