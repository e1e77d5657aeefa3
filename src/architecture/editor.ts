/**
 * The architecture editor: layer palette, graph canvas and property panel around one
 * {@link ArchitectureModel}, with shape feedback from the kernel shown on the layers and a
 * status line that reports the kernel's state and the model's parameter count.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { Message } from '@lumino/messaging';
import { BoxLayout, SplitPanel, Widget } from '@lumino/widgets';

import {
  freeSpot,
  GraphView,
  IPoint,
  ModelDelegate,
  PaletteDropTarget
} from '../graphview';
import { KernelBridge, KernelRequestError } from '../services/kernel';
import { DEFAULT_FRAMEWORK, fetchCatalog, LayerCatalog } from './catalog';
import { ArchitectureModel } from './model';
import { LAYER_MIME, LayerPalette } from './palette';
import { LayerPropertyPanel } from './properties';
import { formatCount, formatShape, ICheckResult, ShapeChecker } from './shapes';
import { architectureViewGraph } from './viewdata';

/** After how long a check without answer is reported as waiting on a busy kernel (ms). */
export const BUSY_NOTICE_MS = 2000;

/** The editor of one architecture. */
export class ArchitectureEditor extends Widget {
  /** Create an editor for `options.model`, checking shapes through `options.bridge`. */
  constructor(options: ArchitectureEditor.IOptions) {
    super();
    this.addClass('jp-ForgeLab-ArchitectureEditor');
    this.model = options.model;
    this.bridge = options.bridge;
    this.sessionContext = options.bridge.sessionContext;
    this.canvas = new GraphView({
      delegate: new ModelDelegate(this.model, 'forgelab.architecture-clip'),
      metrics: { nodeWidth: 200 },
      // Layers of a network read top to bottom, as in Keras' plot_model.
      layout: 'TB',
      relayoutOverlaps: true,
      emptyMessage:
        'Add layers from the palette (click or drag), then wire an output to an input.'
    });
    this.palette = new LayerPalette(type => this.add(type));
    this.properties = new LayerPropertyPanel(this.model);
    this.checker = new ShapeChecker(
      document =>
        this.bridge.request('arch.check', {
          document
        }) as Promise<ICheckResult>
    );

    const split = new SplitPanel({ spacing: 1 });
    split.addClass('jp-ForgeLab-ArchitectureEditor-split');
    split.addWidget(this.palette);
    split.addWidget(this.canvas);
    split.addWidget(this.properties);
    split.setRelativeSizes([1.3, 4, 1.6]);
    this._statusLine = document.createElement('div');
    this._statusLine.className = 'jp-ForgeLab-ArchitectureEditor-status';
    const status = new Widget({ node: this._statusLine });
    const layout = new BoxLayout({ direction: 'top-to-bottom', spacing: 0 });
    layout.addWidget(split);
    layout.addWidget(status);
    BoxLayout.setStretch(split, 1);
    BoxLayout.setStretch(status, 0);
    this.layout = layout;

    this.model.contentChanged.connect(this._onModelChanged, this);
    this.checker.changed.connect(this._onChecked, this);
    this.bridge.stateChanged.connect(this._onBridgeState, this);
    this.sessionContext.statusChanged.connect(this._drawStatus, this);
    this.canvas.selectionChanged.connect((_, selection) => {
      const id = selection.nodes.size === 1 ? [...selection.nodes][0] : null;
      this.properties.layerId = id;
      this.properties.check = id ? this.checker.result?.layers[id] : undefined;
    }, this);
    this._drops = new PaletteDropTarget(this.canvas, LAYER_MIME, (type, at) =>
      this.add(type, at)
    );
    this.canvas.render(architectureViewGraph(this.model, null));
    this._onBridgeState();
  }

  /** The architecture being edited. */
  readonly model: ArchitectureModel;
  /** The bridge to ForgeLab in the editor's kernel. */
  readonly bridge: KernelBridge;
  /** The editor's kernel session. */
  readonly sessionContext: ISessionContext;
  /** The graph canvas. */
  readonly canvas: GraphView;
  /** The layer palette. */
  readonly palette: LayerPalette;
  /** The property panel. */
  readonly properties: LayerPropertyPanel;
  /** The shape feedback. */
  readonly checker: ShapeChecker;

  /** The layer catalog, once the kernel sent it. */
  get catalog(): LayerCatalog | null {
    return this.model.catalog;
  }

  /** Add a layer of class `type` at `at` (graph coordinates) or in view; select it. */
  add(type: string, at?: IPoint): string {
    const id = this.model.addLayer(
      type,
      at ?? freeSpot(this.canvas, this.model.sharedModel.getLayers())
    );
    this.canvas.select([id]);
    return id;
  }

  /** Ask the kernel for the catalog (again, with `refresh`) and show it. */
  async loadCatalog(refresh = false, retry = true): Promise<void> {
    this.palette.setCatalog(null, 'Loading the layer catalog from the kernel…');
    try {
      const catalog = await fetchCatalog(
        this.bridge,
        this.model.sharedModel.getMeta('framework') ?? DEFAULT_FRAMEWORK,
        refresh
      );
      if (this.isDisposed) {
        return;
      }
      this.model.catalog = catalog;
      this.properties.catalog = catalog;
      this.palette.setCatalog(catalog);
    } catch (error) {
      const lostChannel =
        error instanceof KernelRequestError && error.kind === 'dead';
      if (lostChannel && retry && this.bridge.state === 'ready') {
        // The channel was replaced under the request (a new kernel): ask on the new one.
        return this.loadCatalog(refresh, false);
      }
      if (!this.isDisposed) {
        this.palette.setCatalog(
          null,
          `The layer catalog could not be loaded: ${(error as Error).message}`,
          true
        );
      }
    }
  }

  /** Check the shapes now (without waiting for the debounce). */
  checkNow(): Promise<void> {
    return this.checker.check(this.model.toArchitecture());
  }

  /** Release listeners, the pending check and children. */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.contentChanged.disconnect(this._onModelChanged, this);
    this.bridge.stateChanged.disconnect(this._onBridgeState, this);
    this.sessionContext.statusChanged.disconnect(this._drawStatus, this);
    this._drops.dispose();
    this.checker.dispose();
    this._clearBusyTimer();
    super.dispose();
  }

  /** Redraw once per frame, however many changes arrived. */
  protected onUpdateRequest(msg: Message): void {
    super.onUpdateRequest(msg);
    this.canvas.render(architectureViewGraph(this.model, this.checker.result));
    this._drawStatus();
  }

  private _onModelChanged(): void {
    this.update();
    const document = this.model.toArchitecture();
    const key = JSON.stringify({
      ...document,
      layers: document.layers.map(l => ({ ...l, position: undefined }))
    });
    if (key !== this._checkedKey && this.bridge.state === 'ready') {
      this._checkedKey = key;
      this.checker.schedule(document);
    }
  }

  private _onChecked(): void {
    this._clearBusyTimer();
    if (this.checker.state === 'checking') {
      this._busyTimer = setTimeout(() => {
        this._busy = true;
        this._drawStatus();
      }, BUSY_NOTICE_MS);
    }
    const id = this.properties.layerId;
    this.properties.check = id ? this.checker.result?.layers[id] : undefined;
    this.update();
  }

  private _onBridgeState(): void {
    if (this.bridge.state === 'ready') {
      if (!this.model.catalog) {
        void this.loadCatalog();
      }
      this._checkedKey = '';
      this._onModelChanged();
    }
    this._drawStatus();
  }

  private _clearBusyTimer(): void {
    if (this._busyTimer !== null) {
      clearTimeout(this._busyTimer);
      this._busyTimer = null;
    }
    this._busy = false;
  }

  /** The status line: the kernel's state, or the check's outcome and the parameter count. */
  private _drawStatus(): void {
    const line = this._statusLine;
    const kernel = this.sessionContext.session?.kernel;
    const status = kernel?.status;
    const result = this.checker.result;
    let kind = 'ok';
    let text: string;
    if (!kernel) {
      kind = 'waiting';
      text = this.sessionContext.isReady
        ? 'No kernel: select a Python kernel to get shapes and the layer catalog.'
        : 'Starting a kernel for shape feedback…';
    } else if (status === 'dead') {
      kind = 'error';
      text =
        'The kernel is dead: restart it (toolbar) to get shape feedback again.';
    } else if (this.bridge.state === 'failed') {
      kind = 'error';
      text = `ForgeLab could not be loaded into the kernel: ${this.bridge.error}`;
    } else if (this.bridge.state !== 'ready') {
      kind = 'waiting';
      text = 'Loading ForgeLab into the kernel…';
    } else if (this.checker.state === 'unavailable') {
      kind = 'error';
      text = `No shape feedback: ${this.checker.error}`;
    } else if (this._busy) {
      kind = 'waiting';
      text =
        status === 'busy'
          ? 'The kernel is busy; shapes follow when it answers…'
          : 'Waiting for the kernel to answer…';
    } else if (!result) {
      kind = 'waiting';
      text = 'Computing shapes…';
    } else {
      const errors = Object.values(result.layers).filter(
        l => l.status === 'error'
      );
      const outputs = (result.output_shapes ?? []).map(formatShape).join(', ');
      const problems = [...(result.document_errors ?? [])];
      kind = result.ok ? 'ok' : 'error';
      text = result.ok
        ? `Output ${outputs} · ${formatCount(result.total_params ?? 0)} parameters (${formatCount(result.trainable_params ?? 0)} trainable)`
        : `${errors.length} layer${errors.length === 1 ? '' : 's'} with errors${problems.length ? ` · ${problems.join(' · ')}` : ''}`;
      if (this.checker.state !== 'done') {
        text += ' · updating…';
      }
    }
    line.dataset.state = kind;
    line.textContent = text;
  }

  private _statusLine: HTMLDivElement;
  private _drops: PaletteDropTarget;
  private _checkedKey = '';
  private _busy = false;
  private _busyTimer: ReturnType<typeof setTimeout> | null = null;
}

/** The {@link ArchitectureEditor} namespace. */
export namespace ArchitectureEditor {
  /** Options of an editor. */
  export interface IOptions {
    /** The architecture. */
    model: ArchitectureModel;
    /** The bridge to ForgeLab in the editor's kernel. */
    bridge: KernelBridge;
  }
}
