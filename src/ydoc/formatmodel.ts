/**
 * What ForgeLab's document models (pipelines, architectures) have in common: a JupyterLab document
 * model over a shared {@link YFormatDocument}, whose text is the format's JSON file, with dirty and
 * read-only state, undo and redo, and edits applied as one undo step each.
 */
import { DocumentChange } from '@jupyter/ydoc';
import { IChangedArgs } from '@jupyterlab/coreutils';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import {
  JSONValue,
  PartialJSONValue,
  ReadonlyPartialJSONValue
} from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import { dump, FormatName, parse } from '../formats';
import { YFormatDocument } from './formatdocument';

/** A document model over a shared document `S` whose source is a `T` of format `kind`. */
export abstract class FormatDocumentModel<
  T,
  C extends DocumentChange,
  S extends YFormatDocument<C>
>
  implements DocumentRegistry.IModel
{
  /**
   * Bind to `options.sharedModel` (given by a collaboration provider), or to `create()` holding
   * `empty` when there is none.
   */
  constructor(
    options: FormatDocumentModel.IOptions<S>,
    create: () => S,
    protected readonly kind: FormatName,
    private readonly _empty: () => T
  ) {
    this.sharedModel = options.sharedModel ?? create();
    this._collaborative = !!options.collaborationEnabled;
    if (!options.sharedModel) {
      this.sharedModel.setSource(_empty() as unknown as JSONValue);
    }
    this.sharedModel.changed.connect(this._onSharedChanged, this);
  }

  /** The shared document every edit goes through. */
  readonly sharedModel: S;

  /** Emitted when the document changes (locally, by undo, or by a collaborator). */
  get contentChanged(): ISignal<this, void> {
    return this._contentChanged;
  }

  /** Emitted when `dirty` or `readOnly` change. */
  get stateChanged(): ISignal<this, IChangedArgs<any>> {
    return this._stateChanged;
  }

  /** Whether the document has unsaved changes. */
  get dirty(): boolean {
    return this.sharedModel.dirty;
  }
  set dirty(value: boolean) {
    this.sharedModel.dirty = value;
  }

  /** Whether edits are refused. */
  get readOnly(): boolean {
    return this._readOnly;
  }
  set readOnly(value: boolean) {
    if (value !== this._readOnly) {
      const oldValue = this._readOnly;
      this._readOnly = value;
      this._stateChanged.emit({ name: 'readOnly', oldValue, newValue: value });
    }
  }

  /** The kernel documents of this kind start with ('' for none). */
  abstract readonly defaultKernelName: string;
  /** The language of that kernel. */
  abstract readonly defaultKernelLanguage: string;

  /** Whether the shared model is synchronised with collaborators. */
  get collaborative(): boolean {
    return this._collaborative;
  }

  /** Whether the model is disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The document as its format's JSON. */
  abstract toDocument(): T;

  /** The file's text. */
  toString(): string {
    return dump(this.toDocument());
  }

  /** Load the file's text; a malformed file throws a FormatError that says where. */
  fromString(value: string): void {
    const doc = value.trim() ? parse<T>(this.kind, value) : this._empty();
    this.sharedModel.setSource(doc as unknown as JSONValue);
  }

  /** The document as JSON. */
  toJSON(): PartialJSONValue {
    return this.toDocument() as unknown as PartialJSONValue;
  }

  /** Load a JSON object of the format. */
  fromJSON(value: ReadonlyPartialJSONValue): void {
    this.fromString(JSON.stringify(value));
  }

  /** Undo the last edit; returns whether there was one. */
  undo(): boolean {
    return this.sharedModel.undo();
  }

  /** Redo the last undone edit. */
  redo(): boolean {
    return this.sharedModel.redo();
  }

  /** Release the shared model's listeners and the shared model. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.sharedModel.changed.disconnect(this._onSharedChanged, this);
    this.sharedModel.dispose();
    Signal.clearData(this);
  }

  /**
   * Apply a local edit as one undo step and mark the document dirty; a read-only document is
   * left as it is.
   */
  protected edit(f: () => void): void {
    if (this.readOnly) {
      return;
    }
    this.sharedModel.stopCapturing();
    this.sharedModel.transact(() => {
      f();
      this.afterEdit();
    });
    this.sharedModel.stopCapturing();
    this.dirty = true;
  }

  /** Keep derived fields in step, inside the same undo step as each edit. */
  protected afterEdit(): void {
    // Nothing derived by default.
  }

  /** React to a change of the document itself; returns whether its content changed. */
  protected abstract onDocumentChange(change: C): boolean;

  /** Tell the views the content changed (a catalog arrived, say). */
  protected emitContentChanged(): void {
    this._contentChanged.emit();
  }

  private _onSharedChanged(_: S, change: C): void {
    if (this.onDocumentChange(change)) {
      this._contentChanged.emit();
    }
    for (const state of change.stateChange ?? []) {
      if (state.oldValue !== state.newValue) {
        this._stateChanged.emit({
          name: state.name,
          oldValue: state.oldValue,
          newValue: state.newValue
        });
      }
    }
  }

  private _readOnly = false;
  private _isDisposed = false;
  private _collaborative: boolean;
  private _contentChanged = new Signal<this, void>(this);
  private _stateChanged = new Signal<this, IChangedArgs<any>>(this);
}

/** The {@link FormatDocumentModel} namespace. */
export namespace FormatDocumentModel {
  /** Options of a document model. */
  export interface IOptions<S> {
    /** A shared document to bind to (given by the collaboration provider). */
    sharedModel?: S;
    /** Whether the shared model is synchronised with collaborators. */
    collaborationEnabled?: boolean;
  }
}

/** Creates the models of one format for the document registry. */
export class FormatModelFactory<
  M extends DocumentRegistry.IModel,
  S
> implements DocumentRegistry.IModelFactory<M> {
  /** Create the factory; `collaborative` when a collaboration provider will bind the models. */
  constructor(private readonly _options: FormatModelFactory.IOptions<M, S>) {
    this.name = _options.name;
    this.contentType = _options.contentType;
    this.collaborative = !!_options.collaborative;
  }

  /** The factory's name, used by widget factories. */
  readonly name: string;
  /**
   * A dedicated content type, so that a collaboration provider gives these documents their
   * shared type (the server reads unknown types as plain files).
   */
  readonly contentType: DocumentRegistry.IModelFactory<M>['contentType'];
  /** The files are read as text. */
  readonly fileFormat = 'text';
  /** Whether models share their document with collaborators. */
  readonly collaborative: boolean;

  /** Whether the factory is disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Dispose the factory. */
  dispose(): void {
    this._isDisposed = true;
  }

  /** The language of the documents' kernel ('' for none). */
  preferredLanguage(): string {
    return this._options.language;
  }

  /** Create a model, bound to the shared model the registry gives (if it is of the right type). */
  createNew(options: DocumentRegistry.IModelOptions<any> = {}): M {
    const shared =
      options.sharedModel instanceof this._options.sharedType
        ? (options.sharedModel as S)
        : undefined;
    return this._options.create({
      sharedModel: shared,
      collaborationEnabled: options.collaborationEnabled
    });
  }

  private _isDisposed = false;
}

/** The {@link FormatModelFactory} namespace. */
export namespace FormatModelFactory {
  /** What distinguishes one format's factory. */
  export interface IOptions<M, S> {
    /** The factory's name. */
    name: string;
    /** The content type the documents open with. */
    contentType: string;
    /** The language of the documents' kernel ('' for none). */
    language: string;
    /** The shared document class a collaboration provider must give. */
    sharedType: abstract new (...args: any[]) => S;
    /** Create a model. */
    create: (options: FormatDocumentModel.IOptions<S>) => M;
    /** Whether models share their document with collaborators. */
    collaborative?: boolean;
  }
}
