import { loadYaml } from '../../../src/manifest/source.js';

describe('YAML loading with positions', () => {
  const text = [
    'a: 1',
    'list:',
    '  - x',
    '  - { key: "quoted value" }',
    'block: |',
    '  first line',
    '  second line',
    '---',
    'b: 2',
    '',
  ].join('\n');
  const { documents, diagnostics } = loadYaml('f.yaml', text);

  it('keeps every document of a multi-document file', () => {
    expect(diagnostics).toEqual([]);
    expect(documents.map((d) => d.value)).toEqual([
      { a: 1, list: ['x', { key: 'quoted value' }], block: 'first line\nsecond line\n' },
      { b: 2 },
    ]);
    expect(documents[1]!.at(['b'])).toEqual({ line: 9, col: 4 });
  });

  it('places values, keys and missing fields', () => {
    const doc = documents[0]!;
    expect(doc.at(['list', 1, 'key'])).toEqual({ line: 4, col: 12 });
    expect(doc.at(['list', 1, 'key'], 'key')).toEqual({ line: 4, col: 7 });
    expect(doc.at(['list', 1, 'absent'])).toEqual({ line: 4, col: 5 });
  });

  it('places a character inside quoted and block scalars', () => {
    const doc = documents[0]!;
    expect(doc.inScalar(['list', 1, 'key'], 7)).toEqual({ line: 4, col: 20 });
    expect(doc.inScalar(['block'], 'first line\nsecond'.length)).toEqual({ line: 7, col: 9 });
  });

  it('reports syntax errors with their position instead of throwing', () => {
    const broken = loadYaml('bad.yaml', 'a: [1, 2\nb: 3\n');
    expect(broken.documents).toEqual([]);
    expect(broken.diagnostics[0]).toMatchObject({
      file: 'bad.yaml',
      severity: 'error',
      field: 'yaml',
      rule: 'yaml-syntax',
    });
  });
});
