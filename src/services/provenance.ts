/**
 * The client of the provenance resource: a notebook's records, and reifying a variable or a cell
 * output of a notebook into a pipeline file.
 */
import { URLExt } from '@jupyterlab/coreutils';

import { ImplicitOperation, Pipeline } from '../formats';
import { ForgeLabServer } from './server';

/** What reifying a variable of a notebook takes. */
export interface IReifyRequest {
  /** The notebook's path, relative to the Jupyter root. */
  notebook: string;
  /** The variable to reify. */
  target: string;
  /** An older version of it (of `session`); default: the latest. */
  version?: number;
  /** The kernel session `version` belongs to. */
  session?: string;
  /** Make top-level `x = <literal>` assignments operation attributes. */
  lift: boolean;
  /** Keep cells that get data from the network as operations that fetch it again. */
  allowNetwork?: boolean;
  /** Where to write the pipeline (root-relative); default: next to the notebook. */
  path?: string;
}

/** What reifying a cell's output (its last expression or figure) takes. */
export interface ICellReifyRequest {
  /** The notebook's path, relative to the Jupyter root. */
  notebook: string;
  /** The cell's id: its latest run (of `session`, when given) is reified. */
  cell?: string;
  /** A record id: this run of the cell is reified (instead of `cell`). */
  record?: string;
  /** The kernel session to look for the cell's latest run in. */
  session?: string;
  /** Make top-level `x = <literal>` assignments operation attributes. */
  lift: boolean;
  /** Keep cells that get data from the network as operations that fetch it again. */
  allowNetwork?: boolean;
  /** Where to write the pipeline (root-relative); default: `cell-<n>.pipeline.json` next to the notebook. */
  path?: string;
}

/** A reified pipeline and the file it was written to. */
export interface IReified {
  /** The new file's path, relative to the Jupyter root. */
  path: string;
  /** The pipeline document. */
  pipeline: Pipeline;
  /** The record reified, for a cell's output. */
  record?: string;
}

/** Reads a notebook's records and reifies its variables and cell outputs. */
export class ProvenanceClient {
  /** Create a client on a ForgeLab server connection. */
  constructor(readonly server: ForgeLabServer) {}

  /** A notebook's cell and widget records, every kernel session in order. */
  async records(notebook: string): Promise<ImplicitOperation[]> {
    const query = URLExt.objectToQueryString({ notebook });
    const answer = await this.server.request<{
      records: ImplicitOperation[];
    }>(`provenance/records${query}`);
    return answer.records;
  }

  /** Reify a variable of a notebook into a new pipeline file. */
  reify(request: IReifyRequest): Promise<IReified> {
    return this.server.request<IReified>('provenance/reify', {
      method: 'POST',
      body: JSON.stringify(request)
    });
  }

  /** Reify the output (last expression or figure) of a notebook cell into a new pipeline file. */
  reifyCell(request: ICellReifyRequest): Promise<IReified> {
    return this.server.request<IReified>('provenance/reify', {
      method: 'POST',
      body: JSON.stringify(request)
    });
  }
}
