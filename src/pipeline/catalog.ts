/**
 * The operations the palette offers: those the server knows (built-in and workspace `.py`
 * files), fetched from `GET /forgelab/api/operations`.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { Operation } from '../formats';
import { ForgeLabRequestError, ForgeLabServer } from '../services/server';

/** The answer of `GET /forgelab/api/operations`. */
export interface IOperationsResponse {
  /** The operations, following operation.schema.json. */
  operations: Operation[];
}

/** Where the catalog stands: not loaded yet, loading, ready, or failed with a message. */
export type CatalogState = 'idle' | 'loading' | 'ready' | 'error';

/** The operations known to the server, loaded on demand and reloadable. */
export class OperationCatalog {
  /** Create a catalog that asks `server`. */
  constructor(readonly server: ForgeLabServer) {}

  /** Emitted when the state or the operations change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The catalog's state. */
  get state(): CatalogState {
    return this._state;
  }

  /** Why loading failed, in words a user can act on. */
  get error(): string {
    return this._error;
  }

  /** The operations, in the server's order. */
  get operations(): ReadonlyArray<Operation> {
    return this._operations;
  }

  /** The operations by id. */
  get byId(): ReadonlyMap<string, Operation> {
    return this._byId;
  }

  /** Fetch the operations again. */
  async refresh(): Promise<void> {
    this._state = 'loading';
    this._changed.emit();
    try {
      const response =
        await this.server.request<IOperationsResponse>('operations');
      this._operations = Array.isArray(response?.operations)
        ? response.operations
        : [];
      this._byId = new Map(this._operations.map(o => [o.id, o]));
      this._state = 'ready';
      this._error = '';
    } catch (error) {
      this._state = 'error';
      const status = error instanceof ForgeLabRequestError ? error.status : 0;
      this._error =
        status === 404
          ? 'The server does not list operations yet (GET /forgelab/api/operations is missing): update the forgelab server extension. Input and Output are still available.'
          : `Operations could not be loaded: ${(error as Error).message}`;
    }
    this._changed.emit();
  }

  /** The operations whose name, id, category or description contain every word of `query`. */
  search(query: string): Operation[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return this._operations.filter(op => {
      const text =
        `${op.name} ${op.id} ${op.category ?? ''} ${op.description ?? ''}`.toLowerCase();
      return words.every(w => text.includes(w));
    });
  }

  private _state: CatalogState = 'idle';
  private _error = '';
  private _operations: Operation[] = [];
  private _byId = new Map<string, Operation>();
  private _changed = new Signal<this, void>(this);
}
