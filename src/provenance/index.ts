/**
 * Provenance in the browser: records as graphs, the provenance panel, reify dialogs, and the
 * forwarding of widget edits to the kernel's recorder.
 */
export * from './model';
export * from './context';
export * from './panel';
export * from './widgets';
export * from './verify';
export * from './verdict';
export * from './reifydialog';
export * from './origins';
