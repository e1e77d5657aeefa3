/**
 * Asking the server what operation some Python code defines (`POST operations/introspect`)
 * and which operations a workspace file defines (`GET operations?path=`).
 */
import { Operation } from '../formats';
import { ForgeLabRequestError, ForgeLabServer } from '../services/server';

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

/** The Operation JSON of the function `functionName` (or the only function) in `code`. */
export async function introspectCode(
  server: ForgeLabServer,
  code: string,
  functionName?: string
): Promise<Operation> {
  try {
    return await server.request<Operation>('operations/introspect', {
      method: 'POST',
      body: JSON.stringify(
        functionName ? { code, function: functionName } : { code }
      )
    });
  } catch (error) {
    throw asIntrospectError(error);
  }
}

/** The operations the workspace file `path` defines, by id. */
export async function fileOperations(
  server: ForgeLabServer,
  path: string
): Promise<Map<string, Operation>> {
  try {
    const answer = await server.request<{ operations: Operation[] }>(
      `operations?path=${encodeURIComponent(path)}`
    );
    return new Map(answer.operations.map(op => [op.id, op]));
  } catch (error) {
    throw asIntrospectError(error);
  }
}
