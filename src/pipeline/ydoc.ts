/**
 * The shared (Yjs) form of a pipeline document.
 *
 * Nodes and connections live in two id-keyed lists (see {@link YKeyedList}), so that two people
 * editing different nodes never conflict, and concurrent edits of one node resolve to one of them
 * on every peer; the file's order stays stable across round trips.
 */
import { DocumentChange, YDocument } from '@jupyter/ydoc';
import { JSONObject, JSONValue } from '@lumino/coreutils';
import * as Y from 'yjs';

import { Connection, Node, Pipeline } from '../formats';
import { edgeId } from '../graph';
import { YFormatDocument } from '../ydoc/formatdocument';
import { IKeyedEntry, YKeyedList } from '../ydoc/keyedlist';

/** What changed in a pipeline: ids of the nodes and connections touched, and the header. */
export interface IPipelineChange {
  /** Ids of the nodes added, changed or removed. */
  nodes: string[];
  /** Ids of the connections added or removed. */
  connections: string[];
  /** Whether the name, description or metadata changed. */
  meta: boolean;
}

/** The change signalled by {@link YPipeline}. */
export type PipelineDocumentChange = DocumentChange & {
  /** Set when the pipeline itself (not only the document state) changed. */
  pipelineChange?: IPipelineChange;
};

/** The id a connection is stored under: the one in the file, or its endpoints. */
export function connectionKey(connection: Connection): string {
  return connection.id ?? edgeId(connection.source, connection.target);
}

/** An empty, valid pipeline. */
export function emptyPipeline(name?: string): Pipeline {
  return name
    ? {
        format: 'forgelab.pipeline',
        version: 1,
        name,
        nodes: [],
        connections: []
      }
    : { format: 'forgelab.pipeline', version: 1, nodes: [], connections: [] };
}

/** A pipeline document shared through Yjs; its source is the pipeline's JSON object. */
export class YPipeline extends YFormatDocument<PipelineDocumentChange> {
  /** Create the shared pipeline, on a new Y.Doc or on `options.ydoc` (collaboration). */
  constructor(options?: YDocument.IOptions) {
    super(options);
    this._nodes = this.ydoc.getMap('nodes');
    this._connections = this.ydoc.getMap('connections');
    this._nodeList = new YKeyedList(this._nodes);
    this._connectionList = new YKeyedList(this._connections);
    this._meta = this.ydoc.getMap('meta');
    this.undoManager.addToScope([this._nodes, this._connections, this._meta]);
    this._nodes.observe(this._onNodes);
    this._connections.observe(this._onConnections);
    this._meta.observe(this._onMeta);
  }

  /** The version of this shared model's layout. */
  readonly version = '1.0.0';

  /** The node ids, in file order. */
  get nodeIds(): string[] {
    return this._nodeList.ids;
  }

  /** The connection ids, in file order. */
  get connectionIds(): string[] {
    return this._connectionList.ids;
  }

  /** The node with `id` (treat as immutable: change it with {@link setNode}). */
  getNode(id: string): Node | undefined {
    return this._nodeList.get(id);
  }

  /** The connection with `id` (immutable). */
  getConnection(id: string): Connection | undefined {
    return this._connectionList.get(id);
  }

  /** Every node, in file order. */
  getNodes(): Node[] {
    return this._nodeList.values();
  }

  /** Every connection, in file order. */
  getConnections(): Connection[] {
    return this._connectionList.values();
  }

  /** Add or replace a node, keeping its place in the file. */
  setNode(node: Node): void {
    this.transact(() => this._nodeList.set(node.id, node));
  }

  /** Remove a node and every connection touching it, in one undoable step. */
  deleteNode(id: string): void {
    this.transact(() => {
      for (const key of this.connectionIds) {
        const c = this._connectionList.get(key)!;
        if (c.source.node === id || c.target.node === id) {
          this._connections.delete(key);
        }
      }
      this._nodes.delete(id);
    });
  }

  /** Add a connection (no validation here: the document model checks first). */
  setConnection(connection: Connection): void {
    this.transact(() =>
      this._connectionList.set(connectionKey(connection), connection)
    );
  }

  /** Remove a connection. */
  deleteConnection(id: string): void {
    this.transact(() => this._connections.delete(id));
  }

  /** A header field: `name`, `description` or `metadata`. */
  getMeta<K extends 'name' | 'description' | 'metadata'>(
    key: K
  ): Pipeline[K] | undefined {
    return this._meta.get(key) as Pipeline[K] | undefined;
  }

  /** Set or (with `undefined`) remove a header field. */
  setMeta<K extends 'name' | 'description' | 'metadata'>(
    key: K,
    value: Pipeline[K] | undefined
  ): void {
    this.transact(() => {
      if (value === undefined) {
        this._meta.delete(key);
      } else {
        this._meta.set(key, value);
      }
    });
  }

  /** The pipeline as JSON (the shared-document interface's name for {@link getPipeline}). */
  getSource(): JSONObject {
    return this.getPipeline() as unknown as JSONObject;
  }

  /** The pipeline as its file's JSON, keys in the schema's order. */
  getPipeline(): Pipeline {
    const result: Record<string, unknown> = {
      format: 'forgelab.pipeline',
      version: 1
    };
    for (const key of ['name', 'description'] as const) {
      if (this._meta.has(key)) {
        result[key] = this._meta.get(key);
      }
    }
    result.nodes = this.getNodes();
    result.connections = this.getConnections();
    if (this._meta.has('metadata')) {
      result.metadata = this._meta.get('metadata');
    }
    return result as unknown as Pipeline;
  }

  /** Write a whole pipeline into the shared maps (see {@link YFormatDocument.setSource}). */
  protected load(value: JSONValue): void {
    const pipeline = value as unknown as Pipeline;
    this._meta.clear();
    for (const key of ['name', 'description', 'metadata'] as const) {
      if (pipeline[key] !== undefined) {
        this._meta.set(key, pipeline[key]);
      }
    }
    this._nodeList.load(pipeline.nodes ?? [], node => node.id);
    this._connectionList.load(pipeline.connections ?? [], connectionKey);
  }

  /** Detach the observers and release the Y.Doc. */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._nodes.unobserve(this._onNodes);
    this._connections.unobserve(this._onConnections);
    this._meta.unobserve(this._onMeta);
    super.dispose();
  }

  private _onNodes = (event: Y.YMapEvent<IKeyedEntry<Node>>): void => {
    this._changed.emit({
      pipelineChange: {
        nodes: [...event.keysChanged],
        connections: [],
        meta: false
      }
    });
  };

  private _onConnections = (
    event: Y.YMapEvent<IKeyedEntry<Connection>>
  ): void => {
    this._changed.emit({
      pipelineChange: {
        nodes: [],
        connections: [...event.keysChanged],
        meta: false
      }
    });
  };

  private _onMeta = (): void => {
    this._changed.emit({
      pipelineChange: { nodes: [], connections: [], meta: true }
    });
  };

  private _nodes: Y.Map<IKeyedEntry<Node>>;
  private _connections: Y.Map<IKeyedEntry<Connection>>;
  private _nodeList: YKeyedList<Node>;
  private _connectionList: YKeyedList<Connection>;
  private _meta: Y.Map<unknown>;
}
