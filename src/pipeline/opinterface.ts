/**
 * An operation's interface as the source panel shows it (the paper's Figure 10): inputs,
 * outputs, attributes with their Python defaults, references.
 */
import { Operation } from '../formats';

/** A default value as Python writes it (`1.0` for a float, `True`, `None`, `'text'`). */
export function pythonValue(value: unknown, type?: string): string {
  if (typeof value === 'number') {
    return type === 'float' && Number.isInteger(value)
      ? value.toFixed(1)
      : String(value);
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  if (value === null) {
    return 'None';
  }
  if (typeof value === 'string') {
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  }
  return JSON.stringify(value);
}

/** The interface of `operation` as DOM: inputs, outputs, attributes and references. */
export function renderInterface(operation: Operation): HTMLElement {
  const box = document.createElement('div');
  box.className = 'jp-ForgeLab-OperationInterface';
  const section = (title: string, rows: [string, string][]) => {
    const heading = document.createElement('h4');
    heading.textContent = title;
    const list = document.createElement('ul');
    list.dataset.section = title.toLowerCase();
    for (const [name, detail] of rows) {
      const li = document.createElement('li');
      li.dataset.name = name;
      const code = document.createElement('code');
      code.textContent = name;
      li.appendChild(code);
      if (detail) {
        li.appendChild(document.createTextNode(detail));
      }
      list.appendChild(li);
    }
    if (!rows.length) {
      const li = document.createElement('li');
      li.className = 'jp-ForgeLab-OperationInterface-none';
      li.textContent = 'none';
      list.appendChild(li);
    }
    box.append(heading, list);
  };
  const typed = (type?: string) => (type && type !== 'any' ? `: ${type}` : '');
  section(
    'Inputs',
    operation.inputs.map(p => [
      p.name,
      `${typed(p.type)}${p.optional ? ' (optional)' : ''}`
    ])
  );
  section(
    'Outputs',
    operation.outputs.map(p => [p.name, typed(p.type)])
  );
  section(
    'Attributes',
    (operation.attributes ?? []).map(a => [
      a.name,
      `: ${a.type}${a.default !== undefined ? ` = ${pythonValue(a.default, a.type)}` : ''}${a.required ? ' (required)' : ''}`
    ])
  );
  if (operation.references?.length) {
    section(
      'References',
      operation.references.map(r => [
        r.name,
        `: ${r.kind}${r.optional ? ' (optional)' : ''}`
      ])
    );
  }
  return box;
}
