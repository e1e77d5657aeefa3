/**
 * Executions in the browser: the Run flow, the live execution model, the execution view and the
 * executions sidebar.
 */
export * from './ansi';
export * from './model';
export * from './run';
export * from './runchoices';
export * from './rundialog';
export * from './view';
export * from './sidebar';
export * from './naming';
export * from './diff';
export * from './versions';
