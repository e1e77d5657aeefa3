/**
 * The client of the pipelines resource: a saved pipeline file exported as a standalone folder or
 * zip, or translated into notebook cells that run it in plain Python.
 */
import { ForgeLabServer } from './server';

/** What an export is written as. */
export type ExportFormat = 'zip' | 'folder';

/** Where an export was written. */
export interface IPipelineExport {
  /** The zip or folder written, relative to the Jupyter root. */
  readonly path: string;
  /** What was written. */
  readonly format: ExportFormat;
}

/** A notebook's code cells, in order. */
export interface INotebookCells {
  /** The source of each code cell. */
  readonly cells: string[];
}

/** Exports pipeline files and translates them into notebook cells. */
export class PipelinesClient {
  /** Create a client on a ForgeLab server connection. */
  constructor(readonly server: ForgeLabServer) {}

  /**
   * Export the saved pipeline file `path` as a zip (or a folder); without a `destination` the
   * server writes `<name>-export.zip` beside it, numbered past existing names. A refusal (an
   * Input that is not a file, an existing destination) rejects with a
   * {@link ForgeLabRequestError} whose message says what to do.
   */
  export(
    path: string,
    options: { format?: ExportFormat; destination?: string } = {}
  ): Promise<IPipelineExport> {
    return this.server.request<IPipelineExport>('pipelines/export', {
      method: 'POST',
      body: JSON.stringify({
        path,
        format: options.format ?? 'zip',
        destination: options.destination || null
      })
    });
  }

  /** The code cells of a notebook, beside the saved pipeline `path`, that runs it. */
  notebook(path: string): Promise<INotebookCells> {
    return this.server.request<INotebookCells>(
      `pipelines/notebook?path=${encodeURIComponent(path)}`
    );
  }
}
