import { describe, expect, it } from 'vitest';
import { parseConfigFile } from '../src/domain/config-files.ts';
import { parseProperties } from '../src/domain/properties-parse.ts';
import { flattenDocument, parseYamlDocuments } from '../src/domain/yaml-flatten.ts';

const flat = (yaml: string) => parseYamlDocuments(yaml).map((d) => ({ ...flattenDocument(d) }));

describe('YAML flattening (Spring YamlProcessor rules)', () => {
  it('nests maps with dots and lists with [i], keeping scalar types', () => {
    const [doc] = flat(`
server:
  port: 8080
  ssl: { enabled: false }
kafka:
  brokers: [a:9092, b:9092]
gateway:
  routes:
    - id: users
      path: /api/users/**
    - id: hls
      timeout: 1.5
matrix: [[1, 2], [3]]
`);
    expect(doc).toEqual({
      'server.port': 8080,
      'server.ssl.enabled': false,
      'kafka.brokers[0]': 'a:9092',
      'kafka.brokers[1]': 'b:9092',
      'gateway.routes[0].id': 'users',
      'gateway.routes[0].path': '/api/users/**',
      'gateway.routes[1].id': 'hls',
      'gateway.routes[1].timeout': 1.5,
      'matrix[0][0]': 1,
      'matrix[0][1]': 2,
      'matrix[1][0]': 3,
    });
    expect(Object.keys(doc as object)[0]).toBe('server.port');
  });

  it('maps null to "", an empty list to "", drops an empty map, and brackets non-string keys', () => {
    const [doc] = flat(`
a: ~
b: []
c: {}
d:
  1: one
  "[x.y]": bracket
  on: yaml-1.1-true
`);
    expect(doc).toEqual({ a: '', b: '', 'd[1]': 'one', 'd[x.y]': 'bracket', 'd[true]': 'yaml-1.1-true' });
  });

  it('reads scalars as SnakeYAML (YAML 1.1) does: yes/off are booleans, y is a string, dates stay text', () => {
    const [doc] = flat('a: yes\nb: off\nc: y\nd: 2024-01-02\ne: 0x1F\nf: "007"\ng: 1_000\n');
    expect(doc).toEqual({ a: true, b: false, c: 'y', d: '2024-01-02', e: 31, f: '007', g: 1000 });
  });

  it('resolves anchors and merge keys', () => {
    const [doc] = flat('base: &b\n  x: 1\n  y: 2\nother:\n  <<: *b\n  y: 3\n');
    expect(doc).toEqual({ 'base.x': 1, 'base.y': 2, 'other.x': 1, 'other.y': 3 });
  });

  it('names a document that is not a map `document`, skips empty documents, keeps the rest', () => {
    expect(flat('just text')).toEqual([{ document: 'just text' }]);
    expect(flat('- a\n- b')).toEqual([{ 'document[0]': 'a', 'document[1]': 'b' }]);
    expect(flat('a: 1\n---\n---\nb: 2\n')).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('refuses broken YAML and duplicate keys', () => {
    expect(() => flat('a: [1, 2\n')).toThrow();
    expect(() => flat('a: 1\na: 2\n')).toThrow(/unique/i);
    expect(() => parseConfigFile('gateway.yml', 'routes:\n  - id: x\n   path: bad-indent\n')).toThrow(/gateway\.yml/);
  });

  it('cannot be polluted through __proto__ keys', () => {
    const [doc] = flat('__proto__:\n  polluted: true\n');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(doc).toEqual({ '__proto__.polluted': true });
  });

  it('reads profile-activated documents', () => {
    const file = parseConfigFile(
      'app.yml',
      'a: 1\n---\nspring:\n  config:\n    activate:\n      on-profile: dev,!prod\na: 2\n',
    );
    expect(file.documents.map((d) => d.onProfile)).toEqual([null, ['dev', '!prod']]);
  });
});

describe('.properties files (java.util.Properties#load)', () => {
  it('reads separators, comments, continuations and escapes', () => {
    const props = parseProperties(
      [
        '# comment',
        '! also comment',
        'a=1',
        'b : two',
        'c three',
        'd=multi \\',
        '   line',
        'e\\ key=x\\ty',
        'f=\\u00e9',
        'g=',
      ].join('\n'),
    );
    expect({ ...props }).toEqual({ a: '1', b: 'two', c: 'three', d: 'multi line', 'e key': 'x\ty', f: 'é', g: '' });
  });
});
