/**
 * The one place that speaks HTTP to ForgeLab's server extension: a connection
 * ({@link ForgeLabServer}) and one client per resource, bundled as {@link ForgeLabAPI}.
 */
import { AdaptersClient } from './adapters';
import { ArtifactsClient } from './artifacts';
import { ExecutionsClient } from './executions';
import { OperationsClient } from './operations';
import { PipelinesClient } from './pipelines';
import { ProvenanceClient } from './provenance';
import { ForgeLabServer } from './server';

export * from './adapters';
export * from './artifacts';
export * from './events';
export * from './executions';
export * from './operations';
export * from './pipelines';
export * from './provenance';
export * from './server';

/** The clients of ForgeLab's REST resources, all on one server connection. */
export class ForgeLabAPI {
  /** Create every client on `server`. */
  constructor(readonly server: ForgeLabServer = new ForgeLabServer()) {
    this.adapters = new AdaptersClient(server);
    this.artifacts = new ArtifactsClient(server);
    this.executions = new ExecutionsClient(server);
    this.operations = new OperationsClient(server);
    this.pipelines = new PipelinesClient(server);
    this.provenance = new ProvenanceClient(server);
  }

  /** The compute and storage adapters. */
  readonly adapters: AdaptersClient;
  /** Stored artifacts and their provenance. */
  readonly artifacts: ArtifactsClient;
  /** Executions of pipelines. */
  readonly executions: ExecutionsClient;
  /** Operations known to the server. */
  readonly operations: OperationsClient;
  /** Pipeline files exported, or translated into notebook cells. */
  readonly pipelines: PipelinesClient;
  /** A notebook's records and reifying them. */
  readonly provenance: ProvenanceClient;
}
