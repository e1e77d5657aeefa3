/**
 * The client of the artifacts resource: the stored artifacts, the provenance records that lead
 * to one, reifying the part of an execution that produced one, and its download URL.
 */
import { Artifact, ImplicitOperation } from '../formats';
import { IReified } from './provenance';
import { ForgeLabServer } from './server';

/** Lists artifacts and follows them back to the records and executions that made them. */
export class ArtifactsClient {
  /** Create a client on a ForgeLab server connection. */
  constructor(readonly server: ForgeLabServer) {}

  /** Every artifact. */
  async list(): Promise<Artifact[]> {
    const answer = await this.server.request<{ artifacts: Artifact[] }>(
      'artifacts'
    );
    return answer.artifacts;
  }

  /** The provenance records that lead to an artifact, back to its sources. */
  async provenance(id: string): Promise<ImplicitOperation[]> {
    const answer = await this.server.request<{ records: ImplicitOperation[] }>(
      `artifacts/${encodeURIComponent(id)}/provenance`
    );
    return answer.records;
  }

  /** Reify the part of an execution that produced an artifact into a new pipeline file. */
  reify(id: string, path?: string): Promise<IReified> {
    return this.server.request<IReified>(
      `artifacts/${encodeURIComponent(id)}/reify`,
      { method: 'POST', body: JSON.stringify(path ? { path } : {}) }
    );
  }

  /** The URL that downloads an artifact's bytes (cookie-authenticated, like file downloads). */
  downloadUrl(id: string): string {
    return this.server.url(`artifacts/${encodeURIComponent(id)}/download`);
  }
}
