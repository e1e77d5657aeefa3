/**
 * The pipeline editor: palette, canvas and property panel around one {@link PipelineModel}.
 * The canvas renders the model; every user action goes back through the model.
 */
import { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import { BoxLayout, SplitPanel, Widget } from '@lumino/widgets';

import { ConnectResult, IGraphEndpoint } from '../graph';
import { GraphView, IGraphViewDelegate, IPoint } from '../graphview';
import { OperationCatalog } from './catalog';
import { IPipelineClip, PipelineModel } from './model';
import { newInlineOperation } from './opsource';
import { PALETTE_MIME, PaletteItem, PaletteView } from './palette';
import { ImplicitOperation } from '../formats';
import { PropertyPanel, ReferencePicker } from './properties';
import { pipelineViewGraph, SOURCE_ACTION } from './viewdata';

/** The editor of one pipeline. */
export class PipelineEditor extends Widget implements IGraphViewDelegate {
  /** Create an editor for `options.model`, offering the operations of `options.catalog`. */
  constructor(options: PipelineEditor.IOptions) {
    super();
    this.addClass('jp-ForgeLab-PipelineEditor');
    this.model = options.model;
    this._catalog = options.catalog;
    this.canvas = new GraphView({
      delegate: this,
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
    this.canvas.node.addEventListener('dragover', this);
    this.canvas.node.addEventListener('drop', this);
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
    const position = at ?? this._freeSpot();
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

  /** {@inheritDoc IGraphViewDelegate.checkConnection} */
  checkConnection(
    source: IGraphEndpoint,
    target: IGraphEndpoint
  ): string | null {
    return this.model.checkConnection(source, target);
  }

  /** {@inheritDoc IGraphViewDelegate.connect} */
  connect(source: IGraphEndpoint, target: IGraphEndpoint): ConnectResult {
    return this.model.connect(source, target);
  }

  /** {@inheritDoc IGraphViewDelegate.moveNodes} */
  moveNodes(positions: ReadonlyMap<string, IPoint>): void {
    this.model.moveNodes(positions);
  }

  /** {@inheritDoc IGraphViewDelegate.remove} */
  remove(nodes: string[], edges: string[]): void {
    this.model.sharedModel.transact(() => {
      this.model.removeConnections(edges);
      this.model.removeNodes(nodes);
    });
  }

  /** {@inheritDoc IGraphViewDelegate.copy} */
  copy(nodes: string[]): string {
    return JSON.stringify(this.model.copy(nodes));
  }

  /** {@inheritDoc IGraphViewDelegate.paste} */
  paste(text: string): string[] {
    let clip: IPipelineClip;
    try {
      clip = JSON.parse(text);
    } catch {
      return [];
    }
    if (clip?.format !== 'forgelab.pipeline-clip') {
      return [];
    }
    return this.model.paste(clip);
  }

  /** {@inheritDoc IGraphViewDelegate.undo} */
  undo(): void {
    this.model.undo();
  }

  /** {@inheritDoc IGraphViewDelegate.redo} */
  redo(): void {
    this.model.redo();
  }

  /** Handle drops of palette items on the canvas. */
  handleEvent(event: Event): void {
    const drag = event as DragEvent;
    if (!drag.dataTransfer?.types.includes(PALETTE_MIME)) {
      return;
    }
    event.preventDefault();
    if (event.type === 'dragover') {
      drag.dataTransfer.dropEffect = 'copy';
    } else if (event.type === 'drop') {
      const item = JSON.parse(
        drag.dataTransfer.getData(PALETTE_MIME)
      ) as PaletteItem;
      const p = this.canvas.clientToGraph(drag.clientX, drag.clientY);
      this.add(item, {
        x: p.x - this.canvas.metrics.nodeWidth / 2,
        y: p.y - 20
      });
      this.canvas.node.focus();
    }
  }

  /** Release listeners and children. */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.pipelineChanged.disconnect(this._onModelChanged, this);
    this._catalog.changed.disconnect(this._onCatalog, this);
    this.canvas.node.removeEventListener('dragover', this);
    this.canvas.node.removeEventListener('drop', this);
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

  /** The middle of the view, or right of it while that spot is taken (repeated clicks). */
  private _freeSpot(): IPoint {
    const c = this.canvas.visibleCenter();
    const width = this.canvas.metrics.nodeWidth;
    const taken = (p: IPoint) =>
      this.model.sharedModel.getNodes().some(n => {
        const q = this.canvas.positionOf(n.id) ?? n.position;
        return (
          q && Math.abs(q.x - p.x) < width + 20 && Math.abs(q.y - p.y) < 80
        );
      });
    let p = { x: Math.round(c.x), y: Math.round(c.y) };
    for (let i = 0; i < 200 && taken(p); i++) {
      p = { x: p.x + width + 60, y: p.y };
    }
    return p;
  }

  private _catalog: OperationCatalog;
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
