/**
 * Versions of a pipeline: the pipeline as an execution ran it, read-only, and what changed
 * since in the file (from {@link diffPipelines}).
 */
import { Widget } from '@lumino/widgets';

import { Execution, Pipeline } from '../formats';
import { GraphView, readOnlyDelegate } from '../graphview';
import { connectionKey, viewNode } from '../pipeline';
import { IPipelineDiff, isSame } from './diff';
import { executionTabTitle } from './naming';

const AS_IT_RAN =
  'This is the pipeline as the execution ran it: edit the pipeline file instead.';

/** The pipeline an execution ran, drawn read-only. */
export class PipelineAsRanView extends GraphView {
  /** Draw `execution.pipeline`; nothing in it can be moved, connected or deleted. */
  constructor(readonly execution: Execution) {
    super({
      delegate: readOnlyDelegate(AS_IT_RAN),
      emptyMessage: 'The execution ran a pipeline without nodes.'
    });
    this.addClass('jp-ForgeLab-PipelineAsRan');
    this.node.dataset.execution = execution.id;
    this.title.label = `${executionTabTitle(execution)} (as it ran)`;
    this.title.caption = `${execution.pipelinePath ?? 'The pipeline'} as execution ${execution.id} ran it (read-only)`;
    const pipeline = execution.pipeline;
    this.render({
      nodes: pipeline.nodes.map(n => viewNode(n)),
      edges: pipeline.connections.map(c => ({
        id: connectionKey(c),
        source: c.source,
        target: c.target
      }))
    });
  }
}

/** What changed between the pipeline an execution ran and the pipeline file now. */
export class PipelineDiffPanel extends Widget {
  /** Show `diff` of `execution`'s pipeline against `current` (the file at `path`). */
  constructor(
    readonly execution: Execution,
    readonly current: Pipeline,
    readonly diff: IPipelineDiff,
    path: string
  ) {
    super();
    this.addClass('jp-ForgeLab-PipelineDiff');
    this.title.label = `${executionTabTitle(execution)} ↔ file`;
    this.title.caption = `Changes in ${path} since execution ${execution.id}`;
    const heading = document.createElement('p');
    heading.className = 'jp-ForgeLab-PipelineDiff-heading';
    heading.textContent = isSame(diff)
      ? `${path} is as execution ${execution.id} ran it.`
      : `Changes in ${path} since execution ${execution.id} ran it:`;
    this.node.appendChild(heading);
    const list = document.createElement('ul');
    list.className = 'jp-ForgeLab-PipelineDiff-list';
    for (const change of diff.nodes) {
      const li = document.createElement('li');
      li.className = `jp-ForgeLab-PipelineDiff-node jp-mod-${change.kind}`;
      li.dataset.node = change.node;
      li.dataset.kind = change.kind;
      const title = document.createElement('span');
      title.className = 'jp-ForgeLab-PipelineDiff-title';
      title.textContent = `${change.kind === 'added' ? '+' : change.kind === 'removed' ? '−' : '~'} ${change.title}`;
      li.appendChild(title);
      if (change.details.length) {
        const details = document.createElement('ul');
        for (const line of change.details) {
          const item = document.createElement('li');
          item.textContent = line;
          details.appendChild(item);
        }
        li.appendChild(details);
      }
      list.appendChild(li);
    }
    for (const [sign, kind, connections] of [
      ['+', 'added', diff.addedConnections],
      ['−', 'removed', diff.removedConnections]
    ] as const) {
      for (const text of connections) {
        const li = document.createElement('li');
        li.className = `jp-ForgeLab-PipelineDiff-connection jp-mod-${kind}`;
        li.textContent = `${sign} connection ${text}`;
        list.appendChild(li);
      }
    }
    this.node.appendChild(list);
  }
}
