import { describe, expect, it } from 'vitest';
import { createRouteTable, type Route } from '../../src/simulator/createRouteTable.js';
import { requestInfoOf } from '../../src/simulator/requestInfoOf.js';

const answer = { status: 200, body: {} };
const routes: Route[] = [
  { kind: 'discovery', path: '/apis', document: () => ({}) },
  {
    kind: 'resource',
    verb: 'get',
    path: '/apis/g/v1/namespaces/{namespace}/things/{name}',
    handle: () => answer,
  },
  {
    kind: 'resource',
    verb: 'list',
    path: '/apis/g/v1/namespaces/{namespace}/things',
    handle: () => answer,
  },
  {
    kind: 'resource',
    verb: 'watch',
    path: '/apis/g/v1/namespaces/{namespace}/things',
    handle: () => answer,
  },
  { kind: 'resource', verb: 'create', path: '/apis/h/v1/reviews', handle: () => answer },
];
const segments = (path: string) => path.split('/').filter(Boolean);
const match = (method: string, path: string, query = '') =>
  createRouteTable(routes).match(
    requestInfoOf(method, segments(path), new URLSearchParams(query)),
    segments(path),
  );

describe('createRouteTable', () => {
  it('matches by path pattern, method and verb', () => {
    expect(match('GET', '/apis')).toBe(routes[0]);
    expect(match('GET', '/apis/g/v1/namespaces/apps/things/x')).toBe(routes[1]);
    expect(match('GET', '/apis/g/v1/namespaces/apps/things')).toBe(routes[2]);
    expect(match('GET', '/apis/g/v1/namespaces/apps/things', 'watch=true')).toBe(routes[3]);
    expect(match('POST', '/apis/h/v1/reviews')).toBe(routes[4]);
    expect(match('GET', '/apis/h/v1/reviews')).toBeUndefined();
    expect(match('HEAD', '/apis/g/v1/namespaces/apps/things/x')).toBeUndefined();
    expect(match('GET', '/apis/g/v1/namespaces/apps/things/x/extra')).toBeUndefined();
  });

  it('tells a path served with another method, and the methods each group takes', () => {
    const table = createRouteTable(routes);
    expect(table.servesPath(segments('/apis/h/v1/reviews'))).toBe(true);
    expect(table.servesPath(segments('/apis/h/v1/other'))).toBe(false);
    expect(table.takesMethod('g', 'GET')).toBe(true);
    expect(table.takesMethod('g', 'POST')).toBe(false);
    expect(table.takesMethod('h', 'POST')).toBe(true);
  });

  it('refuses a route whose path does not resolve to its verb', () => {
    expect(() =>
      createRouteTable([
        { kind: 'resource', verb: 'get', path: '/apis/g/v1/things', handle: () => answer },
      ]),
    ).toThrow('invariant: route get /apis/g/v1/things does not resolve to that verb (list)');
    expect(() =>
      createRouteTable([{ kind: 'resource', verb: 'get', path: '/healthz', handle: () => answer }]),
    ).toThrow('invariant: route get /healthz does not resolve to that verb (get)');
  });
});
