/**
 * Wire types of image.openshift.io/v1 as the API server sends them (JSON names).
 * Source: openshift/api image/v1/types.go and image/docker10/types_docker.go. Every field that
 * the server may omit, or that old (3.x) objects lack, is optional; fields emitted as `null`
 * are typed `| null`. Nothing here is trusted to be present: resolvers default every read.
 */

/**
 * How the API server writes times (metav1.Time: RFC 3339, e.g. `2024-04-01T12:00:00Z`); the
 * wire shapes refuse anything else, and the DateTime scalar serialises only this.
 */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export interface ObjectMeta {
  name?: string | undefined;
  namespace?: string | undefined;
  uid?: string | undefined;
  resourceVersion?: string | undefined;
  creationTimestamp?: string | null | undefined;
  generation?: number | undefined;
  labels?: Record<string, string> | null | undefined;
  annotations?: Record<string, string> | null | undefined;
}

export interface ListMeta {
  resourceVersion?: string | undefined;
  continue?: string | undefined;
  remainingItemCount?: number | undefined;
}

export interface ImageLayer {
  name: string;
  size?: number | null | undefined;
  mediaType?: string | undefined;
}

export interface ImageManifest {
  digest: string;
  mediaType: string;
  manifestSize: number;
  architecture: string;
  os: string;
  variant?: string | undefined;
}

export interface SignatureCondition {
  type: string;
  status: string;
  lastProbeTime?: string | null | undefined;
  lastTransitionTime?: string | null | undefined;
  reason?: string | undefined;
  message?: string | undefined;
}

export interface SignatureGenericEntity {
  organization?: string | undefined;
  commonName?: string | undefined;
}

export interface SignatureSubject extends SignatureGenericEntity {
  publicKeyID?: string | undefined;
}

export interface ImageSignature {
  metadata?: ObjectMeta | undefined;
  type: string;
  content: string;
  conditions?: SignatureCondition[] | null | undefined;
  imageIdentity?: string | undefined;
  signedClaims?: Record<string, string> | null | undefined;
  created?: string | null | undefined;
  issuedBy?: SignatureGenericEntity | null | undefined;
  issuedTo?: SignatureSubject | null | undefined;
}

/** DockerConfig: every field `omitempty`. */
export interface DockerConfig {
  Hostname?: string | undefined;
  User?: string | undefined;
  ExposedPorts?: Record<string, unknown> | null | undefined;
  Env?: string[] | null | undefined;
  Cmd?: string[] | null | undefined;
  Entrypoint?: string[] | null | undefined;
  Image?: string | undefined;
  Volumes?: Record<string, unknown> | null | undefined;
  WorkingDir?: string | undefined;
  Labels?: Record<string, string> | null | undefined;
}

/** DockerImage (apiVersion `image.openshift.io/1.0`, or `1.0` on older servers). */
export interface DockerImage {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  Id?: string | undefined;
  Parent?: string | undefined;
  Comment?: string | undefined;
  Created?: string | null | undefined;
  Container?: string | undefined;
  ContainerConfig?: DockerConfig | null | undefined;
  DockerVersion?: string | undefined;
  Author?: string | undefined;
  Config?: DockerConfig | null | undefined;
  Architecture?: string | undefined;
  Size?: number | undefined;
}

export interface Image {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  metadata: ObjectMeta;
  dockerImageReference?: string | undefined;
  dockerImageMetadata?: DockerImage | null | undefined;
  dockerImageMetadataVersion?: string | undefined;
  dockerImageManifest?: string | undefined;
  dockerImageLayers?: ImageLayer[] | null | undefined;
  signatures?: ImageSignature[] | null | undefined;
  dockerImageSignatures?: string[] | null | undefined;
  dockerImageManifestMediaType?: string | undefined;
  dockerImageConfig?: string | undefined;
  dockerImageManifests?: ImageManifest[] | null | undefined;
}

export interface ImageStreamImage {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  metadata: ObjectMeta;
  image: Image;
}

export interface ObjectReference {
  kind?: string | undefined;
  name?: string | undefined;
  namespace?: string | undefined;
}

export interface TagReference {
  name: string;
  annotations?: Record<string, string> | null | undefined;
  from?: ObjectReference | null | undefined;
  reference?: boolean | undefined;
  generation?: number | null | undefined;
  importPolicy?: { insecure?: boolean; scheduled?: boolean; importMode?: string };
  referencePolicy?: { type?: string } | undefined;
}

export interface TagEvent {
  created?: string | null | undefined;
  dockerImageReference: string;
  image: string;
  generation?: number | null | undefined;
}

export interface TagEventCondition {
  type: string;
  status: string;
  lastTransitionTime?: string | null | undefined;
  reason?: string | undefined;
  message?: string | undefined;
  generation?: number | null | undefined;
}

export interface NamedTagEventList {
  tag: string;
  items?: TagEvent[] | null | undefined;
  conditions?: TagEventCondition[] | null | undefined;
}

export interface ImageStream {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  metadata: ObjectMeta;
  spec?: {
    lookupPolicy?: { local?: boolean };
    dockerImageRepository?: string;
    tags?: TagReference[] | null;
  } | null;
  status?: {
    dockerImageRepository?: string;
    publicDockerImageRepository?: string;
    tags?: NamedTagEventList[] | null;
  } | null;
}

export interface ImageStreamList {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  metadata?: ListMeta | undefined;
  items?: ImageStream[] | null | undefined;
}

export interface ImageStreamTag {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  metadata: ObjectMeta;
  tag?: TagReference | null | undefined;
  generation?: number | undefined;
  image: Image;
}

export interface ImageList {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  metadata?: ListMeta | undefined;
  items?: Image[] | null | undefined;
}

export interface ImageBlobReferences {
  imageMissing?: boolean | undefined;
  layers?: string[] | null | undefined;
  config?: string | null | undefined;
  manifests?: string[] | null | undefined;
}

export interface ImageStreamLayers {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  metadata: ObjectMeta;
  blobs: Record<string, { size: number | null; mediaType: string }>;
  images: Record<string, ImageBlobReferences>;
}

/** authorization.k8s.io/v1 SelfSubjectAccessReview, as answered (status only is read). */
export interface SelfSubjectAccessReview {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  status: { allowed: boolean; denied?: boolean; reason?: string };
}

/** The Kubernetes `Status` object (apimachinery metav1.Status). */
export interface Status {
  kind: 'Status';
  apiVersion?: string | undefined;
  metadata?: ListMeta | undefined;
  status?: string | undefined;
  message?: string | undefined;
  reason?: string | undefined;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
  code?: number | undefined;
}

/** GET /version (k8s.io/apimachinery version.Info). */
export interface VersionInfo {
  major?: string | undefined;
  minor?: string | undefined;
  gitVersion?: string | undefined;
  platform?: string | undefined;
}

/**
 * A project (project.openshift.io/v1: the namespaces a user can see) or a core namespace
 * (v1): the gateway reads the same fields of both.
 */
export interface Project {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  metadata: ObjectMeta;
  status?: { phase?: string | undefined } | null | undefined;
}

export interface ProjectList {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  metadata?: ListMeta | undefined;
  items?: Project[] | null | undefined;
}
