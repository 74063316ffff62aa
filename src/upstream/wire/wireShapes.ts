import {
  boolean,
  dateTime,
  integer,
  list,
  object,
  optional,
  record,
  string,
  unknown,
  type Check,
} from './checkShape.js';

/**
 * The shapes of the wire types in ../types.ts, as checks: what the gateway reads must have the
 * type it is read as. An object that fails is refused at the boundary (a malformed body from an
 * API server, a forged or corrupt Redis entry), so a resolver never meets a list that is a
 * string. Source of the shapes: openshift/api image/v1/types.go (openshift-image-api.md §3).
 */

const strings = optional(list(string));
const stringMap = optional(record(string));

const OBJECT_META: Check = object({
  name: optional(string),
  namespace: optional(string),
  uid: optional(string),
  resourceVersion: optional(string),
  creationTimestamp: optional(dateTime),
  generation: optional(integer),
  labels: stringMap,
  annotations: stringMap,
});

const DOCKER_CONFIG: Check = object({
  User: optional(string),
  WorkingDir: optional(string),
  Env: strings,
  Cmd: strings,
  Entrypoint: strings,
  ExposedPorts: optional(record(unknown)),
  Volumes: optional(record(unknown)),
  Labels: stringMap,
});

const DOCKER_IMAGE: Check = object({
  Id: optional(string),
  Parent: optional(string),
  Created: optional(dateTime),
  Author: optional(string),
  DockerVersion: optional(string),
  Architecture: optional(string),
  Size: optional(integer),
  Config: optional(DOCKER_CONFIG),
  ContainerConfig: optional(DOCKER_CONFIG),
});

const SIGNATURE: Check = object({
  type: string,
  content: string,
  imageIdentity: optional(string),
  created: optional(dateTime),
  signedClaims: stringMap,
  issuedBy: optional(object({ commonName: optional(string), organization: optional(string) })),
  issuedTo: optional(
    object({
      commonName: optional(string),
      organization: optional(string),
      publicKeyID: optional(string),
    }),
  ),
  conditions: optional(
    list(
      object({
        type: string,
        status: string,
        reason: optional(string),
        message: optional(string),
        lastProbeTime: optional(dateTime),
        lastTransitionTime: optional(dateTime),
      }),
    ),
  ),
});

export const IMAGE: Check = object({
  metadata: OBJECT_META,
  dockerImageReference: optional(string),
  dockerImageManifestMediaType: optional(string),
  dockerImageMetadata: optional(DOCKER_IMAGE),
  dockerImageLayers: optional(
    list(object({ name: string, size: optional(integer), mediaType: optional(string) })),
  ),
  dockerImageManifests: optional(
    list(
      object({
        digest: string,
        mediaType: string,
        manifestSize: integer,
        architecture: string,
        os: string,
        variant: optional(string),
      }),
    ),
  ),
  signatures: optional(list(SIGNATURE)),
});

export const IMAGE_STREAM_IMAGE: Check = object({ metadata: OBJECT_META, image: IMAGE });

const TAG_REFERENCE: Check = object({
  name: string,
  annotations: stringMap,
  from: optional(object({ kind: optional(string), name: optional(string) })),
  importPolicy: optional(object({ importMode: optional(string) })),
});

const NAMED_TAG_EVENT_LIST: Check = object({
  tag: string,
  items: optional(
    list(
      object({
        created: optional(dateTime),
        dockerImageReference: string,
        image: string,
        generation: optional(integer),
      }),
    ),
  ),
  conditions: optional(
    list(
      object({
        type: string,
        status: string,
        reason: optional(string),
        message: optional(string),
        generation: optional(integer),
      }),
    ),
  ),
});

export const IMAGE_STREAM: Check = object({
  metadata: OBJECT_META,
  spec: optional(
    object({ dockerImageRepository: optional(string), tags: optional(list(TAG_REFERENCE)) }),
  ),
  status: optional(
    object({
      dockerImageRepository: optional(string),
      publicDockerImageRepository: optional(string),
      tags: optional(list(NAMED_TAG_EVENT_LIST)),
    }),
  ),
});

export const IMAGE_STREAM_LIST: Check = object({
  metadata: optional(
    object({
      resourceVersion: optional(string),
      continue: optional(string),
      remainingItemCount: optional(integer),
    }),
  ),
  items: optional(list(IMAGE_STREAM)),
});

export const IMAGE_STREAM_TAG: Check = object({
  metadata: OBJECT_META,
  tag: optional(TAG_REFERENCE),
  image: IMAGE,
});

export const IMAGE_STREAM_LAYERS: Check = object({
  metadata: OBJECT_META,
  blobs: record(object({ size: optional(integer), mediaType: optional(string) })),
  images: record(
    object({
      imageMissing: optional(boolean),
      layers: strings,
      config: optional(string),
      manifests: strings,
    }),
  ),
});

export const VERSION_INFO: Check = object({
  major: optional(string),
  minor: optional(string),
  gitVersion: optional(string),
});

export const SELF_SUBJECT_ACCESS_REVIEW: Check = object({
  status: object({ allowed: boolean, denied: optional(boolean), reason: optional(string) }),
});

/** A ProjectList or a NamespaceList (the same fields are read from both). */
export const PROJECT_LIST: Check = object({
  metadata: optional(
    object({
      resourceVersion: optional(string),
      continue: optional(string),
      remainingItemCount: optional(integer),
    }),
  ),
  items: optional(
    list(object({ metadata: OBJECT_META, status: optional(object({ phase: optional(string) })) })),
  ),
});

/* Workloads and scan results (openshift-image-api.md §6.3): only the fields the gateway reads. */

const WORKLOAD_META: Check = object({
  name: string,
  namespace: optional(string),
  annotations: stringMap,
  ownerReferences: optional(
    list(object({ kind: string, name: string, controller: optional(boolean) })),
  ),
});

const CONTAINER_STATUSES = optional(
  list(object({ name: string, image: optional(string), imageID: optional(string) })),
);

const LIST_META: Check = optional(
  object({
    resourceVersion: optional(string),
    continue: optional(string),
    remainingItemCount: optional(integer),
  }),
);

export const POD_LIST: Check = object({
  metadata: LIST_META,
  items: optional(
    list(
      object({
        metadata: WORKLOAD_META,
        status: optional(
          object({
            phase: optional(string),
            containerStatuses: CONTAINER_STATUSES,
            initContainerStatuses: CONTAINER_STATUSES,
          }),
        ),
      }),
    ),
  ),
});

export const WORKLOAD_OWNER: Check = object({
  metadata: WORKLOAD_META,
  spec: optional(
    object({
      triggers: optional(
        list(
          object({
            type: optional(string),
            imageChangeParams: optional(
              object({
                containerNames: strings,
                from: optional(
                  object({
                    kind: optional(string),
                    name: optional(string),
                    namespace: optional(string),
                  }),
                ),
              }),
            ),
          }),
        ),
      ),
    }),
  ),
});

const IMAGE_MANIFEST_VULN: Check = object({
  metadata: OBJECT_META,
  spec: optional(
    object({
      manifest: optional(string),
      features: optional(
        list(
          object({
            name: string,
            version: optional(string),
            vulnerabilities: optional(
              list(
                object({
                  name: string,
                  severity: optional(string),
                  fixedby: optional(string),
                  link: optional(string),
                  description: optional(string),
                }),
              ),
            ),
          }),
        ),
      ),
    }),
  ),
  status: optional(object({ highestSeverity: optional(string) })),
});

export const IMAGE_MANIFEST_VULN_LIST: Check = object({
  metadata: LIST_META,
  items: optional(list(IMAGE_MANIFEST_VULN)),
});

export const API_RESOURCE_LIST: Check = object({
  resources: optional(list(object({ name: string }))),
});
