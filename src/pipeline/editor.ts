/**
 * The pipeline editor: palette, canvas and property panel around one {@link PipelineModel}.
 * The canvas renders the model; every user action goes back through the model.
 */
import { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import { BoxLayout, SplitPanel, Widget } from '@lumino/widgets';

import {
  freeSpot,
  GraphView,
  IPoint,
  ModelDelegate,
  PaletteDropTarget
} from '../graphview';
import { OperationCatalog } from './catalog';
import { PipelineModel } from './model';
import { newInlineOperation } from './opsource';
import { PALETTE_MIME, PaletteItem, PaletteView } from './palette';
import { ImplicitOperation } from '../formats';
import { PropertyPanel, ReferencePicker } from './properties';
import { pipelineViewGraph, SOURCE_ACTION } from './viewdata';

/** The editor of one pipeline. */
export class PipelineEditor extends Widget {
  /** Create an editor for `options.model`, offering the operations of `options.catalog`. */
  constructor(options: PipelineEditor.IOptions) {
    super();
    this.addClass('jp-ForgeLab-PipelineEditor');
    this.model = options.model;
    this._catalog = options.catalog;
    this.canvas = new GraphView({
      delegate: new ModelDelegate(this.model, 'forgelab.pipeline-clip'),
      emptyMessage:
        'Add operations from the palette (click or drag), then wire an output port to an input port.'
    });
    this.palette = new PaletteView(this._catalog, item => this.add(item));
    this.properties = new PropertyPanel(this.model, {
      showSource: id => this._sourceRequested.emit(id),
      pickReference: options.pickReference,
      notebookRecords: options.notebookRecords
    });

    const split = new SplitPanel({ spacing: 1 });
    split.addClass('jp-ForgeLab-PipelineEditor-split');
    split.addWidget(this.palette);
    split.addWidget(this.canvas);
    split.addWidget(this.properties);
    split.setRelativeSizes([1.4, 4, 1.4]);
    const layout = new BoxLayout();
    layout.addWidget(split);
    this.layout = layout;

    this.model.pipelineChanged.connect(this._onModelChanged, this);
    this._catalog.changed.connect(this._onCatalog, this);
    this.canvas.selectionChanged.connect((_, selection) => {
      this.properties.nodeId =
        selection.nodes.size === 1 ? [...selection.nodes][0] : null;
    }, this);
    this.canvas.nodeAction.connect((_, { node, action }) => {
      if (action === SOURCE_ACTION) {
        this._sourceRequested.emit(node);
      }
    }, this);
    this._drops = new PaletteDropTarget(this.canvas, PALETTE_MIME, (data, at) =>
      this.add(JSON.parse(data) as PaletteItem, at)
    );
    if (this._catalog.state === 'ready') {
      this.model.catalog = this._catalog.byId;
    }
    this.canvas.render(pipelineViewGraph(this.model));
  }

  /** The pipeline being edited. */
  readonly model: PipelineModel;
  /** The graph canvas. */
  readonly canvas: GraphView;
  /** The operation palette. */
  readonly palette: PaletteView;
  /** The property panel. */
  readonly properties: PropertyPanel;

  /** Emitted with a node's id when the user asks to see its operation's source. */
  get sourceRequested(): ISignal<this, string> {
    return this._sourceRequested;
  }

  /**
   * Add a palette item at `at` (graph coordinates) or in the middle of the view; select it.
   * A new operation also has its source opened.
   */
  add(item: PaletteItem, at?: IPoint): string {
    const position =
      at ?? freeSpot(this.canvas, this.model.sharedModel.getNodes());
    let id: string;
    if (item.kind === 'new-operation') {
      const name = this.model.uniqueId('new_operation');
      id = this.model.addOperation(newInlineOperation(name), position);
    } else if (item.kind === 'operation') {
      id = this.model.addOperation(item.operation, position);
    } else {
      id = this.model.addTerminal(item.kind, position);
    }
    this.canvas.select([id]);
    if (item.kind === 'new-operation') {
      this._sourceRequested.emit(id);
    }
    return id;
  }

  /** Release listeners and children. */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.pipelineChanged.disconnect(this._onModelChanged, this);
    this._catalog.changed.disconnect(this._onCatalog, this);
    this._drops.dispose();
    super.dispose();
  }

  /** Redraw once per frame, however many changes arrived. */
  protected onUpdateRequest(msg: Message): void {
    super.onUpdateRequest(msg);
    this.canvas.render(pipelineViewGraph(this.model));
  }

  /** Load the catalog when first shown. */
  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this._catalog.state === 'idle') {
      void this._catalog.refresh();
    }
  }

  private _onModelChanged(): void {
    this.update();
  }

  private _onCatalog(): void {
    if (this._catalog.state === 'ready') {
      this.model.catalog = this._catalog.byId;
    }
  }

  private _catalog: OperationCatalog;
  private _drops: PaletteDropTarget;
  private _sourceRequested = new Signal<this, string>(this);
}

/** The {@link PipelineEditor} namespace. */
export namespace PipelineEditor {
  /** Options of an editor. */
  export interface IOptions {
    /** The pipeline. */
    model: PipelineModel;
    /** The operations offered in the palette. */
    catalog: OperationCatalog;
    /** Chooses a reference's value (a file dialog, a list of artifacts); none: typing only. */
    pickReference?: ReferencePicker;
    /** A notebook's provenance records (names a reified operation's cells); optional. */
    notebookRecords?: (notebook: string) => Promise<ImplicitOperation[]>;
  }
}
