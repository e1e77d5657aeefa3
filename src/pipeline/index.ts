/**
 * The pipeline editor: document model, validation, views and the Run button.
 */
export * from './ydoc';
export * from './ports';
export * from './validation';
export * from './filecheck';
export * from './model';
export * from './catalog';
export * from './viewdata';
export * from './opgroups';
export * from './palette';
export * from './properties';
export * from './editor';
export * from './subpipeline';
export * from './widget';
export * from './opsource';
export * from './sourcepanel';
export * from './sourceopener';
export * from './opinterface';
export * from './references';
export * from './referencepicker';
export * from './exportchoices';
export * from './exportdialog';
