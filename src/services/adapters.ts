/**
 * The client of the adapters resource: the compute and storage adapters the server knows, with
 * their configuration, and a connection test of one of them.
 */
import { ForgeLabServer } from './server';

/** One compute or storage adapter known to the server. */
export interface IAdapterStatus {
  /** The adapter's registered name. */
  name: string;
  /** Whether it can be used now. */
  available: boolean;
  /** Why not, when it cannot. */
  reason?: string;
  /** The command that installs what it lacks. */
  install?: string;
  /** What it does, in one sentence. */
  description?: string;
  /** The JSON Schema of its configuration. */
  configSchema?: Record<string, unknown>;
  /** Its configuration on the server, secrets masked (only in the adapters list). */
  config?: Record<string, unknown>;
  /** The GPUs its jobs can have (the local compute: this machine's, or its configured count). */
  gpus?: IGpus;
}

/** The GPUs of a compute adapter. */
export interface IGpus {
  /** How many devices it hands out. */
  count: number;
  /** Where that was learnt: `nvidia-smi`, `configuration`, `worker resources` or `none`. */
  source: string;
  /** The devices' names, when known. */
  names?: string[];
}

/** The kind of an adapter. */
export type AdapterKind = 'compute' | 'storage';

/** The server's adapters by kind, and the adapters it uses when none is named. */
export interface IAdapters {
  /** Compute adapters. */
  compute: IAdapterStatus[];
  /** Storage adapters. */
  storage: IAdapterStatus[];
  /** The server's default adapter of each kind. */
  defaults?: Partial<Record<AdapterKind, string>>;
}

/** The outcome of an adapter's connection test. */
export interface IAdapterTest {
  /** Whether the adapter could connect. */
  ok: boolean;
  /** What it found, or why it failed. */
  message?: string;
}

/** Lists the server's adapters and tests their connections. */
export class AdaptersClient {
  /** Create a client on a ForgeLab server connection. */
  constructor(readonly server: ForgeLabServer) {}

  /** Every adapter with its availability, configuration schema and masked configuration. */
  list(): Promise<IAdapters> {
    return this.server.request<IAdapters>('adapters');
  }

  /** Try to reach what the adapter `name` of `kind` connects to, with its configuration. */
  test(kind: AdapterKind, name: string): Promise<IAdapterTest> {
    return this.server.request<IAdapterTest>(
      `adapters/${kind}/${encodeURIComponent(name)}/test`,
      { method: 'POST', body: '{}' }
    );
  }
}
