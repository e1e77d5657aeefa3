/**
 * Short names a person reads at a glance: an execution's tab title ("digits · 22:08"), its
 * pipeline's name, a short local time and a shortened Python type name.
 */
import { Execution } from '../formats';

/** The local hour and minute of an ISO time, "22:08"; "" when it is missing or invalid. */
export function shortTime(iso: string | null | undefined): string {
  const date = iso ? new Date(iso) : null;
  if (!date || isNaN(date.getTime())) {
    return '';
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * What an execution is called: the name it was given (by default its pipeline's name, else its
 * file's), else its pipeline's name, else its file's, else "pipeline".
 */
export function pipelineName(
  execution: Pick<Execution, 'pipeline' | 'pipelinePath'> &
    Partial<Pick<Execution, 'name'>>
): string {
  const file = (name: string | undefined) =>
    (name ?? '')
      .split('/')
      .pop()!
      .replace(/\.pipeline\.json$/, '');
  return (
    file(execution.name) ||
    execution.pipeline?.name ||
    file(execution.pipelinePath) ||
    'pipeline'
  );
}

/** An execution's tab title: its pipeline's name and the local time it was created. */
export function executionTabTitle(
  execution: Pick<Execution, 'pipeline' | 'pipelinePath' | 'createdAt'> &
    Partial<Pick<Execution, 'name'>>
): string {
  const time = shortTime(execution.createdAt);
  return time
    ? `${pipelineName(execution)} · ${time}`
    : pipelineName(execution);
}

/**
 * A Python type name short enough for a list: the last part of a dotted name, its generic
 * arguments elided ("numpy.ndarray" → "ndarray", "dict[str, list[int]]" → "dict[…]"), cut to
 * `max` characters with an ellipsis. The full name goes in the tooltip.
 */
export function shortTypeName(type: string, max = 20): string {
  const bracket = type.indexOf('[');
  const head = bracket >= 0 ? type.slice(0, bracket) : type;
  let short = head.split('.').pop() ?? head;
  if (bracket >= 0) {
    short += '[…]';
  }
  return short.length > max ? `${short.slice(0, max - 1)}…` : short;
}
