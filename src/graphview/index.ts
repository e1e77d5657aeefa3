/**
 * The reusable graph canvas of ForgeLab's editors and its parts.
 */
export * from './types';
export * from './geometry';
export * from './selection';
export * from './view';
export * from './editing';
