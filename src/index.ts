/**
 * ForgeLab's JupyterLab plugins. This module only wires; behaviour lives in the models,
 * services and views beside it.
 */
import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { adaptersPlugin } from './plugins/adapters';
import { architecturePlugin } from './plugins/architecture';
import { corePlugin } from './plugins/core';
import { executionsPlugin } from './plugins/executions';
import { exportPlugin } from './plugins/export';
import { notebookPlugin } from './plugins/notebook';
import { pipelinePlugin } from './plugins/pipeline';
import { provenancePlugin } from './plugins/provenance';

export * from './tokens';
export * from './formats';
export { KernelBridge, KernelRequestError } from './services/kernel';
export { ForgeLabAPI, ForgeLabServer, ForgeLabRequestError } from './services';

const plugins: JupyterFrontEndPlugin<any>[] = [
  corePlugin,
  adaptersPlugin,
  notebookPlugin,
  pipelinePlugin,
  architecturePlugin,
  executionsPlugin,
  exportPlugin,
  provenancePlugin
];

export default plugins;
