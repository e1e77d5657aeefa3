import {
  defaultExportPath,
  exportDestination,
  pipelineStem,
  switchFormat
} from '../exportchoices';

describe('the Export dialog choices', () => {
  it('names an export after the pipeline, beside it', () => {
    expect(pipelineStem('examples/digits.pipeline.json')).toBe('digits');
    expect(pipelineStem('plain.json')).toBe('plain');
    expect(defaultExportPath('examples/digits.pipeline.json', 'zip')).toBe(
      'examples/digits-export.zip'
    );
    expect(defaultExportPath('digits.pipeline.json', 'folder')).toBe(
      'digits-export'
    );
  });

  it('numbers the default past names already taken, as the server does', () => {
    const taken = ['digits-export.zip', 'digits-export-1.zip', 'digits-export'];
    expect(defaultExportPath('a/digits.pipeline.json', 'zip', taken)).toBe(
      'a/digits-export-2.zip'
    );
    expect(defaultExportPath('a/digits.pipeline.json', 'folder', taken)).toBe(
      'a/digits-export-1'
    );
  });

  it('makes a typed destination one the server takes for the format', () => {
    expect(exportDestination('  out/run ', 'zip')).toBe('out/run.zip');
    expect(exportDestination('/out/run.zip', 'zip')).toBe('out/run.zip');
    expect(exportDestination('out/run.zip', 'folder')).toBe('out/run');
    expect(exportDestination('   ', 'folder')).toBe('');
  });

  it('switches the default with the format but keeps a name the user typed', () => {
    const defaults = { zip: 'd-export.zip', folder: 'd-export' };
    expect(switchFormat('d-export.zip', 'folder', defaults)).toBe('d-export');
    expect(switchFormat('d-export', 'zip', defaults)).toBe('d-export.zip');
    expect(switchFormat('mine.zip', 'folder', defaults)).toBe('mine');
    expect(switchFormat('', 'zip', defaults)).toBe('d-export.zip');
  });
});
