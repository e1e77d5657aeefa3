/**
 * The architecture editor: document model, layer catalog, shape feedback and views.
 */
export * from './ydoc';
export * from './catalog';
export * from './graph';
export * from './model';
export * from './shapes';
export * from './values';
export * from './viewdata';
export * from './palette';
export * from './properties';
export * from './editor';
export * from './importing';
export * from './widget';
