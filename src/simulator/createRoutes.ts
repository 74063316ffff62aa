import type { Answer } from './Answer.js';
import type { Discovery } from './createDiscovery.js';
import type { ImageHandlers } from './createImageHandlers.js';
import type { NamespaceHandlers } from './createNamespaceHandlers.js';
import type { ResourceRoute, Route } from './createRouteTable.js';
import { reviewSelfSubjectAccess } from './reviewSelfSubjectAccess.js';

const IMAGE = '/apis/image.openshift.io/v1';
const NAMESPACED = `${IMAGE}/namespaces/{namespace}`;
const AUTHORIZATION = '/apis/authorization.k8s.io/v1';
const PROJECTS = '/apis/project.openshift.io/v1/projects';

const DISCOVERY_PATHS = [
  '/version',
  '/api',
  '/api/v1',
  '/apis',
  '/apis/image.openshift.io',
  IMAGE,
  '/apis/authorization.k8s.io',
  AUTHORIZATION,
  '/apis/project.openshift.io',
  '/apis/project.openshift.io/v1',
];

/**
 * Every path the simulated API server serves: discovery, the image reads, access reviews.
 * A new resource, subresource or watch is one more line here.
 */
export function createRoutes(
  discovery: Discovery,
  images: ImageHandlers,
  namespaces: NamespaceHandlers,
  watchImageStreams?: (namespace: string, query: URLSearchParams) => Answer,
): Route[] {
  const route = (
    verb: ResourceRoute['verb'],
    path: string,
    handle: ResourceRoute['handle'],
  ): ResourceRoute => ({ kind: 'resource', verb, path, handle });
  return [
    ...DISCOVERY_PATHS.filter((path) => discovery.documentAt(path) !== undefined).map(
      (path): Route => ({
        kind: 'discovery',
        path,
        document: () => discovery.documentAt(path),
      }),
    ),
    route('list', `${IMAGE}/images`, () => images.imageList()),
    route('get', `${IMAGE}/images/{name}`, ({ info }) => images.image(info.name)),
    route('list', `${IMAGE}/imagestreams`, ({ query }) => images.imageStreamList('', query)),
    route('list', `${NAMESPACED}/imagestreams`, ({ info, query }) =>
      images.imageStreamList(info.namespace, query),
    ),
    route('get', `${NAMESPACED}/imagestreams/{name}`, ({ info }) =>
      images.imageStream(info.namespace, info.name),
    ),
    route('get', `${NAMESPACED}/imagestreams/{name}/layers`, ({ info }) =>
      images.imageStreamLayers(info.namespace, info.name),
    ),
    route('get', `${NAMESPACED}/imagestreamtags/{name}`, ({ info }) =>
      images.imageStreamTag(info.namespace, info.name),
    ),
    route('get', `${NAMESPACED}/imagestreamimages/{name}`, ({ info }) =>
      images.imageStreamImage(info.namespace, info.name),
    ),
    // Watches of image streams (createWatchHub), when the simulator serves them.
    ...(watchImageStreams
      ? [
          route('watch', `${IMAGE}/imagestreams`, ({ query }) => watchImageStreams('', query)),
          route('watch', `${NAMESPACED}/imagestreams`, ({ info, query }) =>
            watchImageStreams(info.namespace, query),
          ),
        ]
      : []),
    {
      ...route('create', `${AUTHORIZATION}/selfsubjectaccessreviews`, (request) =>
        reviewSelfSubjectAccess(request.identity, request.body, request.contentType),
      ),
      readsBody: true,
    },
    route('list', PROJECTS, ({ identity }) => namespaces.projectList(identity)),
    route('list', '/api/v1/namespaces', () => namespaces.namespaceList()),
  ];
}
