/**
 * The pipeline document model: a JupyterLab document model over a shared {@link YPipeline},
 * with the editing actions the views call and continuous validation.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { Connection, Node, Operation, Pipeline, Position } from '../formats';
import {
  ConnectResult,
  Graph,
  IEditableGraphModel,
  IGraphEndpoint
} from '../graph';
import { FormatDocumentModel, FormatModelFactory } from '../ydoc/formatmodel';
import { IFileCheck, missingFileIssues } from './filecheck';
import { IOperationUpdate, updateOperation } from './opsource';
import { graphEdge, IPipelineGraphNode, pipelineGraph } from './ports';
import { IPipelineIssue, pipelineIssues } from './validation';
import {
  connectionKey,
  emptyPipeline,
  PipelineDocumentChange,
  YPipeline
} from './ydoc';

/** A fragment copied from a pipeline: some nodes and the connections among them. */
export interface IPipelineClip {
  /** Marks the clipboard text as ForgeLab's. */
  format: 'forgelab.pipeline-clip';
  /** The copied nodes. */
  nodes: Node[];
  /** The connections whose two ends were both copied. */
  connections: Connection[];
}

/** A pipeline document model; its text is the pipeline's JSON file. */
export class PipelineModel
  extends FormatDocumentModel<Pipeline, PipelineDocumentChange, YPipeline>
  implements IEditableGraphModel<IPipelineClip>
{
  /** Create a model, on a fresh shared pipeline unless one is given (collaboration). */
  constructor(options: PipelineModel.IOptions = {}) {
    super(
      options,
      () => new YPipeline(),
      'pipeline',
      () => emptyPipeline()
    );
  }

  /** Emitted with the ids that changed, so views redraw only those. */
  get pipelineChanged(): ISignal<this, PipelineModel.IChange> {
    return this._pipelineChanged;
  }

  /** Pipelines have no kernel. */
  readonly defaultKernelName = '';
  /** Pipelines have no kernel language. */
  readonly defaultKernelLanguage = '';

  /**
   * The operations known to the server by id; with it, validation reports unknown operations.
   */
  get catalog(): ReadonlyMap<string, Operation> | null {
    return this._catalog;
  }
  set catalog(value: ReadonlyMap<string, Operation> | null) {
    this._catalog = value;
    this._issues = null;
    this._pipelineChanged.emit({
      nodes: [],
      connections: [],
      meta: false,
      issues: true
    });
  }

  /**
   * What is known of the files the pipeline names; with it, validation reports the missing
   * ones on their node and property.
   */
  get fileCheck(): IFileCheck | null {
    return this._fileCheck;
  }
  set fileCheck(value: IFileCheck | null) {
    this._fileCheck = value;
    this._issues = null;
    this._pipelineChanged.emit({
      nodes: [],
      connections: [],
      meta: false,
      issues: true
    });
  }

  /** The pipeline as JSON. */
  toPipeline(): Pipeline {
    return this.sharedModel.getPipeline();
  }

  /** The pipeline as JSON (the document model's view of it). */
  toDocument(): Pipeline {
    return this.toPipeline();
  }

  /** The graph of the current pipeline (cached until the next change). */
  get graph(): Graph<IPipelineGraphNode> {
    if (!this._graph) {
      this._graph = pipelineGraph(
        this.sharedModel.getNodes(),
        this.sharedModel.getConnections()
      ).graph;
    }
    return this._graph;
  }

  /** Every issue of the pipeline (cached until the next change). */
  get issues(): IPipelineIssue[] {
    if (!this._issues) {
      const pipeline = this.toPipeline();
      this._issues = pipelineIssues(pipeline, this._catalog);
      if (this._fileCheck) {
        this._issues.push(...missingFileIssues(pipeline, this._fileCheck));
      }
    }
    return this._issues;
  }

  /** The issues by node id. */
  issuesByNode(): Map<string, IPipelineIssue[]> {
    const map = new Map<string, IPipelineIssue[]>();
    for (const issue of this.issues) {
      if (issue.node) {
        map.set(issue.node, [...(map.get(issue.node) ?? []), issue]);
      }
    }
    return map;
  }

  /** The node with `id`. */
  getNode(id: string): Node | undefined {
    return this.sharedModel.getNode(id);
  }

  /** An unused node id derived from `base` (`train`, `train_2`, ...). */
  uniqueId(base: string): string {
    const stem =
      base.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || 'node';
    let id = stem;
    for (let i = 2; this.sharedModel.getNode(id); i++) {
      id = `${stem}_${i}`;
    }
    return id;
  }

  /** Add an instance of `operation` with its default attribute values; returns its id. */
  addOperation(operation: Operation, position?: Position): string {
    const id = this.uniqueId(operation.source?.function ?? operation.name);
    const attributes: Record<string, unknown> = {};
    for (const a of operation.attributes ?? []) {
      if (a.default !== undefined) {
        attributes[a.name] = a.default;
      }
    }
    const node: Node = { id, kind: 'operation', operation, attributes };
    if (position) {
      node.position = position;
    }
    this.edit(() => this.sharedModel.setNode(node));
    return id;
  }

  /** Add a pipeline Input (`kind: 'input'`) or Output node; returns its id. */
  addTerminal(kind: 'input' | 'output', position?: Position): string {
    const id = this.uniqueId(kind);
    const node: Node = { id, kind, name: id.replace(/[^A-Za-z0-9_]/g, '_') };
    if (position) {
      node.position = position;
    }
    this.edit(() => this.sharedModel.setNode(node));
    return id;
  }

  /** Remove nodes and their connections, in one undoable step. */
  removeNodes(ids: Iterable<string>): void {
    this.edit(() => {
      for (const id of ids) {
        this.sharedModel.deleteNode(id);
      }
    });
  }

  /** Remove connections by id. */
  removeConnections(ids: Iterable<string>): void {
    this.edit(() => {
      for (const id of ids) {
        this.sharedModel.deleteConnection(id);
      }
    });
  }

  /** Remove nodes and connections, in one undoable step. */
  remove(nodes: Iterable<string>, connections: Iterable<string>): void {
    this.sharedModel.transact(() => {
      this.removeConnections(connections);
      this.removeNodes(nodes);
    });
  }

  /** Why `source → target` cannot be wired, or `null` when it can. */
  checkConnection(
    source: IGraphEndpoint,
    target: IGraphEndpoint
  ): string | null {
    return this.graph.checkConnection(source, target);
  }

  /** Wire an output port to an input port, or say why not. */
  connect(source: IGraphEndpoint, target: IGraphEndpoint): ConnectResult {
    const connection: Connection = {
      source: { node: source.node, port: source.port },
      target: { node: target.node, port: target.port }
    };
    const edge = graphEdge(connection);
    if (this.graph.edge(edge.id)) {
      return { ok: false, reason: 'These ports are already connected.' };
    }
    const reason = this.readOnly
      ? 'The pipeline is read-only.'
      : this.checkConnection(source, target);
    if (reason) {
      return { ok: false, reason };
    }
    this.edit(() => this.sharedModel.setConnection(connection));
    return { ok: true, edge };
  }

  /** Move nodes (positions in canvas coordinates), in one undoable step. */
  moveNodes(positions: ReadonlyMap<string, Position>): void {
    this.edit(() => {
      for (const [id, position] of positions) {
        const node = this.sharedModel.getNode(id);
        if (node) {
          this.sharedModel.setNode({
            ...node,
            position: { x: Math.round(position.x), y: Math.round(position.y) }
          });
        }
      }
    });
  }

  /** Set (or with `undefined`, clear) an attribute value of an operation node. */
  setAttribute(id: string, name: string, value: unknown): void {
    this._updateNode(id, node => {
      const attributes = {
        ...((node.attributes ?? {}) as Record<string, unknown>)
      };
      if (value === undefined) {
        delete attributes[name];
      } else {
        attributes[name] = value;
      }
      return { ...node, attributes };
    });
  }

  /** Set (or with `''`/`undefined`, clear) a reference of an operation node. */
  setReference(id: string, name: string, value: string | undefined): void {
    this._updateNode(id, node => {
      const references = { ...(node.references ?? {}) };
      if (value) {
        references[name] = value;
      } else {
        delete references[name];
      }
      return { ...node, references };
    });
  }

  /**
   * Give node `id` a new description of its operation (its source's signature changed), in one
   * undoable step: values of vanished parameters and wires to vanished ports are removed.
   */
  replaceOperation(id: string, operation: Operation): IOperationUpdate {
    const node = this.sharedModel.getNode(id);
    if (!node || node.kind !== 'operation') {
      throw new Error(`There is no operation node '${id}' in this pipeline.`);
    }
    const update = updateOperation(
      node,
      this.sharedModel.getConnections(),
      operation
    );
    this.edit(() => {
      for (const c of update.removed) {
        this.sharedModel.deleteConnection(connectionKey(c));
      }
      this.sharedModel.setNode(update.node);
    });
    return update;
  }

  /**
   * Update every node whose operation id is a key of `operations` (a workspace file was saved),
   * in one undoable step; returns the updates by node id.
   */
  replaceOperations(
    operations: ReadonlyMap<string, Operation>
  ): Map<string, IOperationUpdate> {
    const updates = new Map<string, IOperationUpdate>();
    const connections = this.sharedModel.getConnections();
    for (const node of this.sharedModel.getNodes()) {
      const operation = node.operation && operations.get(node.operation.id);
      if (node.kind === 'operation' && operation) {
        updates.set(node.id, updateOperation(node, connections, operation));
      }
    }
    if (updates.size) {
      this.edit(() => {
        for (const update of updates.values()) {
          for (const c of update.removed) {
            this.sharedModel.deleteConnection(connectionKey(c));
          }
          this.sharedModel.setNode(update.node);
        }
      });
    }
    return updates;
  }

  /** Set the display label of a node (empty: no label). */
  setLabel(id: string, label: string): void {
    this._updateNode(id, node => {
      const next = { ...node };
      if (label.trim()) {
        next.label = label.trim();
      } else {
        delete next.label;
      }
      return next;
    });
  }

  /** Set a field of an Input or Output node (`name`, `type`, `source`, `storage`). */
  setTerminalField(
    id: string,
    field: 'name' | 'type' | 'source' | 'storage',
    value: string
  ): void {
    this._updateNode(id, node => {
      const next = { ...node } as Record<string, unknown>;
      if (value || field === 'name') {
        next[field] = value;
      } else {
        delete next[field];
      }
      return next as Node;
    });
  }

  /** The nodes `ids` and the connections among them, for the clipboard. */
  copy(ids: Iterable<string>): IPipelineClip {
    const wanted = new Set(ids);
    return {
      format: 'forgelab.pipeline-clip',
      nodes: this.sharedModel.getNodes().filter(n => wanted.has(n.id)),
      connections: this.sharedModel
        .getConnections()
        .filter(c => wanted.has(c.source.node) && wanted.has(c.target.node))
    };
  }

  /** Paste a clip with fresh ids, shifted by `offset`; returns the new ids. */
  paste(clip: IPipelineClip, offset: Position = { x: 40, y: 40 }): string[] {
    const ids = new Map<string, string>();
    this.edit(() => {
      for (const node of clip.nodes) {
        const id = this.uniqueId(node.id);
        ids.set(node.id, id);
        const copy: Node = { ...node, id };
        if (node.position) {
          copy.position = {
            x: node.position.x + offset.x,
            y: node.position.y + offset.y
          };
        }
        this.sharedModel.setNode(copy);
      }
      for (const c of clip.connections) {
        const source = { node: ids.get(c.source.node)!, port: c.source.port };
        const target = { node: ids.get(c.target.node)!, port: c.target.port };
        this.sharedModel.setConnection({ source, target });
      }
    });
    return [...ids.values()];
  }

  private _updateNode(id: string, change: (node: Node) => Node): void {
    const node = this.sharedModel.getNode(id);
    if (!node) {
      throw new Error(`There is no node '${id}' in this pipeline.`);
    }
    this.edit(() => this.sharedModel.setNode(change(node)));
  }

  protected onDocumentChange(change: PipelineDocumentChange): boolean {
    if (!change.pipelineChange) {
      return false;
    }
    this._graph = null;
    this._issues = null;
    this._pipelineChanged.emit({ ...change.pipelineChange, issues: true });
    return true;
  }

  private _catalog: ReadonlyMap<string, Operation> | null = null;
  private _fileCheck: IFileCheck | null = null;
  private _graph: Graph<IPipelineGraphNode> | null = null;
  private _issues: IPipelineIssue[] | null = null;
  private _pipelineChanged = new Signal<this, PipelineModel.IChange>(this);
}

/** The {@link PipelineModel} namespace. */
export namespace PipelineModel {
  /** Options of a pipeline model. */
  export type IOptions = FormatDocumentModel.IOptions<YPipeline>;

  /** What changed: ids of nodes and connections, the header, the issues. */
  export interface IChange {
    /** Ids of nodes added, changed or removed. */
    nodes: string[];
    /** Ids of connections added or removed. */
    connections: string[];
    /** Whether name, description or metadata changed. */
    meta: boolean;
    /** Whether the issues may have changed. */
    issues: boolean;
  }
}

/** The content type of pipeline documents (also the server's `jupyter_ydoc` document name). */
export const PIPELINE_CONTENT_TYPE = 'forgelabpipeline';

/** Creates pipeline models for the document registry. */
export class PipelineModelFactory extends FormatModelFactory<
  PipelineModel,
  YPipeline
> {
  /** Create the factory; `collaborative` when a collaboration provider will bind the models. */
  constructor(options: { collaborative?: boolean } = {}) {
    super({
      name: 'forgelab-pipeline-model',
      contentType: PIPELINE_CONTENT_TYPE,
      language: '',
      sharedType: YPipeline,
      create: o => new PipelineModel(o),
      collaborative: options.collaborative
    });
  }
}
