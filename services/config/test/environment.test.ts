import { describe, expect, it } from 'vitest';
import { affectedApplications } from '../src/domain/affected-apps.ts';
import { parseConfigFile } from '../src/domain/config-files.ts';
import { baseNamesByPrecedence, buildEnvironment, type Snapshot } from '../src/domain/environment.ts';
import { mergedProperties, nestedDocument, withPlaceholdersResolved } from '../src/domain/merged-view.ts';
import { parseApplication, parseFileRequest, parseLabel, parseProfiles } from '../src/domain/names.ts';
import { renderProperties } from '../src/domain/properties-render.ts';
import { parseProperties } from '../src/domain/properties-parse.ts';

function snapshot(files: Record<string, string>): Snapshot {
  return { commit: 'c0ffee', files: new Map(Object.entries(files).map(([p, t]) => [p, parseConfigFile(p, t)])) };
}

const repo = snapshot({
  'application.yml': 'shared: app\nwho: application\nlist: [a, b, c]\n',
  'application-dev.yml': 'who: application-dev\n',
  'application-mysql.yml': 'who: application-mysql\ndb: mysql\n',
  'foo.yml': 'who: foo\nfoo.only: 1\nlist: [x]\n',
  'foo.properties': 'who=foo-properties\n',
  'foo-dev.yml': 'who: foo-dev\n',
  'foo-mysql.yml': 'db: foo-mysql\n',
  'bar.yml': 'a: 1\n---\nspring.config.activate.on-profile: dev\na: 2\n---\nspring.profiles: prod\na: 3\n',
});

describe('Environment (Spring precedence)', () => {
  it('orders files: profile-specific over plain, later profile over earlier, app over application', () => {
    expect(baseNamesByPrecedence('foo', ['dev', 'mysql'])).toEqual([
      'foo-mysql',
      'application-mysql',
      'foo-dev',
      'application-dev',
      'foo',
      'application',
    ]);
    expect(baseNamesByPrecedence('application', ['dev'])).toEqual(['application-dev', 'application']);
  });

  it('lists property sources most specific first, named <uri>/<file>; .properties over .yml', () => {
    const env = buildEnvironment(repo, { application: 'foo', profiles: ['dev', 'mysql'], label: null }, 'file:///repo');
    expect(env).toMatchObject({ name: 'foo', profiles: ['dev', 'mysql'], label: null, version: 'c0ffee', state: null });
    expect(env.propertySources.map((s) => s.name)).toEqual([
      'file:///repo/foo-mysql.yml',
      'file:///repo/application-mysql.yml',
      'file:///repo/foo-dev.yml',
      'file:///repo/application-dev.yml',
      'file:///repo/foo.properties',
      'file:///repo/foo.yml',
      'file:///repo/application.yml',
    ]);
    expect(env.propertySources[0]?.source).toEqual({ db: 'foo-mysql' });
  });

  it('serves the shared defaults to an application that has no file of its own', () => {
    const env = buildEnvironment(repo, { application: 'nobody', profiles: ['default'], label: null }, 'r');
    expect(env.propertySources.map((s) => s.name)).toEqual(['r/application.yml']);
  });

  it('keeps profile-activated documents only for their profile, later documents first', () => {
    const names = (profiles: string[]) =>
      buildEnvironment(repo, { application: 'bar', profiles, label: null }, 'r').propertySources.map((s) => s.name);
    expect(names(['default'])).toEqual(['r/bar.yml (document #0)', 'r/application.yml']);
    expect(names(['dev'])).toEqual([
      'r/application-dev.yml',
      'r/bar.yml (document #1)',
      'r/bar.yml (document #0)',
      'r/application.yml',
    ]);
  });
});

describe('merged views (.yml/.properties/.json)', () => {
  const env = buildEnvironment(repo, { application: 'foo', profiles: ['dev'], label: null }, 'r');

  it('merges by precedence, sorts keys, and takes a list whole from the most specific source', () => {
    const props = mergedProperties(env);
    expect([...props]).toEqual([
      ['foo.only', 1],
      ['list[0]', 'x'],
      ['shared', 'app'],
      ['who', 'foo-dev'],
    ]);
    expect(nestedDocument(props)).toEqual({ foo: { only: 1 }, list: ['x'], shared: 'app', who: 'foo-dev' });
  });

  it('resolves ${...} placeholders with defaults, leaves unknown ones, honours \\${', () => {
    const props = new Map<string, string | number | boolean>([
      ['host', 'example.org'],
      ['port', 8080],
      ['url', 'http://${host}:${port}/${path:api}'],
      ['left', '${missing}'],
      ['escaped', '\\${host}'],
      ['loop', '${loop}'],
    ]);
    expect(Object.fromEntries(withPlaceholdersResolved(props))).toMatchObject({
      url: 'http://example.org:8080/api',
      left: '${missing}',
      escaped: '${host}',
      loop: '${loop}',
    });
  });

  it('renders .properties like Spring (key: value), escaping what would not read back', () => {
    const props = new Map<string, string | number | boolean>([
      ['a.b', 'plain value: with = signs # and !'],
      ['key with space', 'x'],
      ['multi', 'line1\nline2'],
      ['path', 'C:\\dir'],
      ['pad', '  padded'],
      ['n', 1],
    ]);
    const text = renderProperties(props);
    expect(text.split('\n')[0]).toBe('a.b: plain value: with = signs # and !');
    expect(text).toContain('key\\ with\\ space: x');
    expect({ ...parseProperties(text) }).toEqual({
      'a.b': 'plain value: with = signs # and !',
      'key with space': 'x',
      multi: 'line1\nline2',
      path: 'C:\\dir',
      pad: '  padded',
      n: '1',
    });
  });
});

describe('request names', () => {
  it('accepts Spring names and refuses traversal, option-like and absurd ones', () => {
    expect(parseApplication('gateway')).toBe('gateway');
    expect(parseProfiles('dev,mysql,dev')).toEqual(['dev', 'mysql']);
    expect(parseLabel('feature(_)x')).toBe('feature/x');
    expect(parseLabel('v1.2.3')).toBe('v1.2.3');
    for (const bad of ['..', '../etc', 'a/b', '-rf', '', 'x'.repeat(200)])
      expect(() => parseApplication(bad)).toThrow();
    for (const bad of ['..', 'a/../b', '-c', '.hidden', 'x.lock', 'a//b', 'x'.repeat(300), 'main@{1}', 'HEAD~1']) {
      expect(() => parseLabel(bad), bad).toThrow();
    }
    expect(parseFileRequest('api-gateway-dev.yml')).toEqual({
      application: 'api-gateway',
      profiles: 'dev',
      format: 'yml',
    });
    expect(parseFileRequest('foo-dev,mysql.properties')).toEqual({
      application: 'foo',
      profiles: 'dev,mysql',
      format: 'properties',
    });
    expect(parseFileRequest('foo.yml')).toBeUndefined();
  });

  it('names the applications a change concerns', () => {
    // user-dev.yml is user's dev profile or an application called user-dev: both are told.
    expect(affectedApplications(['gateway.yml', 'user-dev.yml', 'README.md'])).toEqual(['gateway', 'user', 'user-dev']);
    expect(affectedApplications(['gateway.yml', 'application-dev.yml'])).toEqual(['*']);
    expect(affectedApplications(['api-gateway.yml'])).toEqual(['api', 'api-gateway']);
    expect(affectedApplications(['docs/x.yml', 'notes.txt'])).toEqual([]);
  });
});
