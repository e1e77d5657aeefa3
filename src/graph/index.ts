/**
 * The pure graph model shared by ForgeLab's graph editors.
 */
export * from './model';
export * from './editable';
