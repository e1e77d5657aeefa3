/**
 * The operations the palette offers: those the server knows (built-in and workspace `.py`
 * files), loaded through the operations client.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { Operation } from '../formats';
import { ForgeLabRequestError, OperationsClient } from '../services';

/** Where the catalog stands: not loaded yet, loading, ready, or failed with a message. */
export type CatalogState = 'idle' | 'loading' | 'ready' | 'error';

/** The operations known to the server, loaded on demand and reloadable. */
export class OperationCatalog {
  /** Create a catalog that asks the server through `client`. */
  constructor(readonly client: OperationsClient) {}

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
      this._operations = await this.client.list();
      this._byId = new Map(this._operations.map(o => [o.id, o]));
      this._state = 'ready';
      this._error = '';
    } catch (error) {
      this._state = 'error';
      const status = error instanceof ForgeLabRequestError ? error.status : 0;
      this._error =
        status === 404
          ? `${(error as Error).message} Input and Output are still available.`
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
