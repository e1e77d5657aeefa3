/**
 * The pipeline editor: document model, validation, views and the Run action.
 */
export * from './ydoc';
export * from './ports';
export * from './validation';
export * from './model';
export * from './catalog';
export * from './viewdata';
export * from './palette';
export * from './properties';
export * from './editor';
export * from './run';
export * from './widget';
export * from './opsource';
export * from './introspect';
export * from './sourcepanel';
export * from './sourceopener';
export * from './opinterface';
export * from './runchoices';
export * from './rundialog';
export * from './references';
export * from './referencepicker';
