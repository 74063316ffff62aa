/**
 * Wire types of image.openshift.io/v1 as the API server sends them (JSON names).
 * Source: openshift/api image/v1/types.go and image/docker10/types_docker.go. Every field that
 * the server may omit, or that old (3.x) objects lack, is optional; fields emitted as `null`
 * are typed `| null`. Nothing here is trusted to be present: resolvers default every read.
 */

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string | null;
  generation?: number;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface ImageLayer {
  name: string;
  size?: number | null;
  mediaType?: string;
}

export interface ImageManifest {
  digest: string;
  mediaType: string;
  manifestSize: number;
  architecture: string;
  os: string;
  variant?: string;
}

export interface SignatureCondition {
  type: string;
  status: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
  reason?: string;
  message?: string;
}

export interface SignatureGenericEntity {
  organization?: string;
  commonName?: string;
}

export interface SignatureSubject extends SignatureGenericEntity {
  publicKeyID?: string;
}

export interface ImageSignature {
  metadata?: ObjectMeta;
  type: string;
  content: string;
  conditions?: SignatureCondition[] | null;
  imageIdentity?: string;
  signedClaims?: Record<string, string> | null;
  created?: string | null;
  issuedBy?: SignatureGenericEntity | null;
  issuedTo?: SignatureSubject | null;
}

/** DockerConfig: every field `omitempty`. */
export interface DockerConfig {
  Hostname?: string;
  User?: string;
  ExposedPorts?: Record<string, unknown> | null;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  Image?: string;
  Volumes?: Record<string, unknown> | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
}

/** DockerImage (apiVersion `image.openshift.io/1.0`, or `1.0` on older servers). */
export interface DockerImage {
  kind?: string;
  apiVersion?: string;
  Id?: string;
  Parent?: string;
  Comment?: string;
  Created?: string | null;
  Container?: string;
  ContainerConfig?: DockerConfig | null;
  DockerVersion?: string;
  Author?: string;
  Config?: DockerConfig | null;
  Architecture?: string;
  Size?: number;
}

export interface Image {
  kind?: string;
  apiVersion?: string;
  metadata: ObjectMeta;
  dockerImageReference?: string;
  dockerImageMetadata?: DockerImage | null;
  dockerImageMetadataVersion?: string;
  dockerImageManifest?: string;
  dockerImageLayers?: ImageLayer[] | null;
  signatures?: ImageSignature[] | null;
  dockerImageSignatures?: string[] | null;
  dockerImageManifestMediaType?: string;
  dockerImageConfig?: string;
  dockerImageManifests?: ImageManifest[] | null;
}

export interface ImageStreamImage {
  kind?: string;
  apiVersion?: string;
  metadata: ObjectMeta;
  image: Image;
}

export interface ObjectReference {
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface TagReference {
  name: string;
  annotations?: Record<string, string> | null;
  from?: ObjectReference | null;
  reference?: boolean;
  generation?: number | null;
  importPolicy?: { insecure?: boolean; scheduled?: boolean; importMode?: string };
  referencePolicy?: { type?: string };
}

export interface TagEvent {
  created?: string | null;
  dockerImageReference: string;
  image: string;
  generation?: number | null;
}

export interface TagEventCondition {
  type: string;
  status: string;
  lastTransitionTime?: string | null;
  reason?: string;
  message?: string;
  generation?: number | null;
}

export interface NamedTagEventList {
  tag: string;
  items?: TagEvent[] | null;
  conditions?: TagEventCondition[] | null;
}

export interface ImageStream {
  kind?: string;
  apiVersion?: string;
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
  kind?: string;
  apiVersion?: string;
  metadata?: ListMeta;
  items?: ImageStream[] | null;
}

export interface ImageStreamTag {
  kind?: string;
  apiVersion?: string;
  metadata: ObjectMeta;
  tag?: TagReference | null;
  generation?: number;
  image: Image;
}

export interface ImageList {
  kind?: string;
  apiVersion?: string;
  metadata?: ListMeta;
  items?: Image[] | null;
}

export interface ImageBlobReferences {
  imageMissing?: boolean;
  layers?: string[] | null;
  config?: string | null;
  manifests?: string[] | null;
}

export interface ImageStreamLayers {
  kind?: string;
  apiVersion?: string;
  metadata: ObjectMeta;
  blobs: Record<string, { size: number | null; mediaType: string }>;
  images: Record<string, ImageBlobReferences>;
}

/** authorization.k8s.io/v1 SelfSubjectAccessReview, as answered (status only is read). */
export interface SelfSubjectAccessReview {
  kind?: string;
  apiVersion?: string;
  status: { allowed: boolean; denied?: boolean; reason?: string };
}

/** The Kubernetes `Status` object (apimachinery metav1.Status). */
export interface Status {
  kind: 'Status';
  apiVersion?: string;
  metadata?: ListMeta;
  status?: string;
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
  code?: number;
}

/** GET /version (k8s.io/apimachinery version.Info). */
export interface VersionInfo {
  major?: string;
  minor?: string;
  gitVersion?: string;
  platform?: string;
}
