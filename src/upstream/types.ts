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

/*
 * Workloads and scan results (openshift-image-api.md §6.3): core/v1 pods and
 * replicationcontrollers, apps/v1, batch/v1 and apps.openshift.io/v1 owners, and Quay's
 * ImageManifestVuln (secscan.quay.redhat.com/v1alpha1). Only the fields the gateway reads.
 */

/** metadata.ownerReferences[]: `controller: true` marks the managing owner. */
export interface OwnerReference {
  apiVersion?: string | undefined;
  kind: string;
  name: string;
  uid?: string | undefined;
  controller?: boolean | undefined;
}

export interface WorkloadMeta extends ObjectMeta {
  ownerReferences?: OwnerReference[] | null | undefined;
}

/** status.containerStatuses[] / initContainerStatuses[]; imageID is empty while pulling. */
export interface ContainerStatus {
  name: string;
  image?: string | undefined;
  imageID?: string | undefined;
}

export interface Pod {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  metadata: WorkloadMeta;
  spec?: { containers?: { name: string; image?: string }[] | null } | null | undefined;
  status?: {
    phase?: string | undefined;
    containerStatuses?: ContainerStatus[] | null | undefined;
    initContainerStatuses?: ContainerStatus[] | null | undefined;
  } | null;
}

export interface PodList {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  metadata?: ListMeta | undefined;
  items?: Pod[] | null | undefined;
}

/** A DeploymentConfig trigger (apps.openshift.io/v1 DeploymentTriggerPolicy). */
export interface DeploymentTriggerPolicy {
  type?: string | undefined;
  imageChangeParams?: {
    automatic?: boolean | undefined;
    containerNames?: string[] | null | undefined;
    from?: ObjectReference | null | undefined;
  } | null;
}

/**
 * Any owner of pods (ReplicaSet, Deployment, ReplicationController, DeploymentConfig, Job,
 * CronJob, StatefulSet, DaemonSet): its metadata (owners, the `image.openshift.io/triggers`
 * annotation) and, for a DeploymentConfig, `spec.triggers`.
 */
export interface WorkloadOwner {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  metadata: WorkloadMeta;
  spec?: { triggers?: DeploymentTriggerPolicy[] | null | undefined } | null | undefined;
}

/** One vulnerability of a feature, as Quay's Container Security Operator writes it. */
export interface ManifestVulnerability {
  name: string;
  severity?: string | undefined;
  fixedby?: string | undefined;
  link?: string | undefined;
  description?: string | undefined;
}

/** ImageManifestVuln: scan results of one digest, named `sha256.<hex>`, per namespace. */
export interface ImageManifestVuln {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  metadata: ObjectMeta;
  spec?: {
    manifest?: string | undefined;
    image?: string | undefined;
    features?:
      | {
          name: string;
          version?: string | undefined;
          vulnerabilities?: ManifestVulnerability[] | null | undefined;
        }[]
      | null
      | undefined;
  } | null;
  status?: {
    highestSeverity?: string | undefined;
    affectedPods?: Record<string, string[]> | null | undefined;
    criticalCount?: number | undefined;
    highCount?: number | undefined;
    mediumCount?: number | undefined;
    lowCount?: number | undefined;
    unknownCount?: number | undefined;
    negligibleCount?: number | undefined;
  } | null;
}

export interface ImageManifestVulnList {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  metadata?: ListMeta | undefined;
  items?: ImageManifestVuln[] | null | undefined;
}

/** A group version's discovery document (APIResourceList); only resource names are read. */
export interface ApiResourceList {
  kind?: string | undefined;
  groupVersion?: string | undefined;
  resources?: { name: string }[] | null | undefined;
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

/** project.openshift.io/v1 ProjectList (the namespaces the credentials can see) or a v1 NamespaceList. */
export interface ProjectList {
  kind?: string | undefined;
  apiVersion?: string | undefined;
  metadata?: ListMeta | undefined;
  items?: Project[] | null | undefined;
}
