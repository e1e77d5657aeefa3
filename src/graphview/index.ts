/**
 * The reusable graph canvas of ForgeLab's editors.
 */
export * from './types';
export * from './geometry';
export * from './view';
export * from './editing';
