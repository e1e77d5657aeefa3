/**
 * The client of the operations resource: the operations the server knows (built-in and
 * workspace `.py` files), those one workspace file defines, and what operation some Python code
 * defines.
 */
import { Operation } from '../formats';
import { ForgeLabRequestError, ForgeLabServer } from './server';

/** The code does not define an operation; `line` (1-based) says where, when known. */
export class IntrospectError extends Error {
  constructor(
    message: string,
    readonly line: number | null = null
  ) {
    super(message);
    this.name = 'IntrospectError';
  }
}

function asIntrospectError(error: unknown): IntrospectError {
  if (error instanceof ForgeLabRequestError && error.status === 400) {
    const details = (error.details ?? {}) as {
      message?: string;
      line?: number | null;
      errors?: { message: string; line?: number | null }[];
    };
    const first = details.errors?.[0];
    return new IntrospectError(
      first?.message ?? details.message ?? error.message,
      first?.line ?? details.line ?? null
    );
  }
  return new IntrospectError(
    `The server could not describe the operation: ${(error as Error)?.message ?? error}`
  );
}

/** Lists the server's operations and describes Python code as operations. */
export class OperationsClient {
  /** Create a client on a ForgeLab server connection. */
  constructor(readonly server: ForgeLabServer) {}

  /**
   * Every operation the server knows, following operation.schema.json. A server without the
   * resource rejects with a {@link ForgeLabRequestError} (status 404) that says to update it.
   */
  async list(): Promise<Operation[]> {
    let answer: { operations?: Operation[] };
    try {
      answer = await this.server.request<{ operations?: Operation[] }>(
        'operations'
      );
    } catch (error) {
      if (error instanceof ForgeLabRequestError && error.status === 404) {
        throw new ForgeLabRequestError(
          'The server does not list operations yet (GET /forgelab/api/operations is missing): update the forgelab server extension.',
          404,
          error.details
        );
      }
      throw error;
    }
    return Array.isArray(answer?.operations) ? answer.operations : [];
  }

  /** The operations the workspace file `path` defines, by id; rejects with an {@link IntrospectError}. */
  async inFile(path: string): Promise<Map<string, Operation>> {
    try {
      const answer = await this.server.request<{ operations: Operation[] }>(
        `operations?path=${encodeURIComponent(path)}`
      );
      return new Map(answer.operations.map(op => [op.id, op]));
    } catch (error) {
      throw asIntrospectError(error);
    }
  }

  /**
   * The Operation JSON of the function `functionName` (or the only function) in `code`; rejects
   * with an {@link IntrospectError}.
   */
  async introspect(code: string, functionName?: string): Promise<Operation> {
    try {
      return await this.server.request<Operation>('operations/introspect', {
        method: 'POST',
        body: JSON.stringify(
          functionName ? { code, function: functionName } : { code }
        )
      });
    } catch (error) {
      throw asIntrospectError(error);
    }
  }
}
