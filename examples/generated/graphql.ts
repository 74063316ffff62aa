/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An RFC 3339 timestamp, passed through exactly as the API server sent it. */
  DateTime: { input: string; output: string; }
  /**
   * A signed 64-bit integer (sizes, generations), serialised as a JSON number. OpenShift sends
   * int64 values that overflow GraphQL `Int` (32-bit); values are exact up to 2^53 - 1.
   */
  Int64: { input: number; output: number; }
};

/** One OpenShift cluster the gateway talks to, with entry points scoped to it. */
export type Cluster = Node & {
  __typename?: 'Cluster';
  /** The opaque, stable id of this cluster (Node); encodes only the cluster name. */
  id: Scalars['ID']['output'];
  /** One image stream of this cluster. */
  imageStream?: Maybe<ImageStream>;
  /** One image through an image stream of this cluster. */
  imageStreamImage?: Maybe<ImageStreamImage>;
  /** The current image of a tag of this cluster. */
  imageStreamTag?: Maybe<ImageStreamTag>;
  /**
   * The image streams of one namespace of this cluster, or of every namespace the credentials can
   * list cluster-wide when namespace is omitted (Relay connection, paged with the API's
   * limit/continue).
   */
  imageStreams: ImageStreamConnection;
  /** The cluster's name: the kubeconfig context name, `local` in-cluster, east/west in the demo. */
  name: Scalars['String']['output'];
  /**
   * The namespaces the caller can see (OpenShift projects, each user its own; where the project
   * API is absent or refused, the core namespaces), sorted by name, as a Relay connection.
   */
  namespaces: NamespaceConnection;
  /** The API server URL. */
  server: Scalars['String']['output'];
  /** Reachability from a cheap GET /version probe, cached for 10 s and shared by all callers. */
  status: ClusterStatus;
};


/** One OpenShift cluster the gateway talks to, with entry points scoped to it. */
export type ClusterImageStreamArgs = {
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
};


/** One OpenShift cluster the gateway talks to, with entry points scoped to it. */
export type ClusterImageStreamImageArgs = {
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
};


/** One OpenShift cluster the gateway talks to, with entry points scoped to it. */
export type ClusterImageStreamTagArgs = {
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
};


/** One OpenShift cluster the gateway talks to, with entry points scoped to it. */
export type ClusterImageStreamsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  labelSelector?: InputMaybe<Scalars['String']['input']>;
  namespace?: InputMaybe<Scalars['String']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
};


/** One OpenShift cluster the gateway talks to, with entry points scoped to it. */
export type ClusterNamespacesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
};

/** Whether a cluster's API server answers, as of `checkedAt`. */
export type ClusterStatus = {
  __typename?: 'ClusterStatus';
  /** When the probe ran. */
  checkedAt: Scalars['DateTime']['output'];
  /** The error code of the last probe (e.g. UPSTREAM_UNAVAILABLE, UNAUTHENTICATED); null when it succeeded. */
  lastErrorCode?: Maybe<Scalars['String']['output']>;
  /** True when the API server answered HTTP at all (also with 401 or 403). */
  reachable: Scalars['Boolean']['output'];
  /** Round-trip time of the probe in milliseconds; null when no answer came. */
  roundTripMs?: Maybe<Scalars['Float']['output']>;
  /** The API server's version (gitVersion), when the probe succeeded. */
  version?: Maybe<Scalars['String']['output']>;
};

/** A container configuration (Config or ContainerConfig of a DockerImage). */
export type DockerConfig = {
  __typename?: 'DockerConfig';
  /** The command (Cmd). */
  cmd: Array<Scalars['String']['output']>;
  /** The entrypoint. */
  entrypoint: Array<Scalars['String']['output']>;
  /** Environment variables, each `K=V` split on the first `=`. */
  env: Array<EnvVar>;
  /** Exposed ports, e.g. `8080/tcp`, sorted. */
  exposedPorts: Array<Scalars['String']['output']>;
  /** Labels, keys exactly as stored (never renamed), sorted by key. */
  labels: Array<KeyValue>;
  /** The user the process runs as. */
  user?: Maybe<Scalars['String']['output']>;
  /** Volume paths, sorted. */
  volumes: Array<Scalars['String']['output']>;
  /** The working directory. */
  workingDir?: Maybe<Scalars['String']['output']>;
};

/** The image configuration OpenShift stores (DockerImage, apiVersion image.openshift.io/1.0 or 1.0). */
export type DockerImageMetadata = {
  __typename?: 'DockerImageMetadata';
  /** The CPU architecture. */
  architecture?: Maybe<Scalars['String']['output']>;
  /** The image author. */
  author?: Maybe<Scalars['String']['output']>;
  /** The configuration a container of this image runs with. */
  config?: Maybe<DockerConfig>;
  /** The configuration of the container that built the image's last layer. */
  containerConfig?: Maybe<DockerConfig>;
  /** When the image was built; null when unknown. */
  created?: Maybe<Scalars['DateTime']['output']>;
  /** The Docker version that built the image. */
  dockerVersion?: Maybe<Scalars['String']['output']>;
  /** Config digest for schema2/OCI, v1 id for schema1, the image digest for manifest lists. */
  id?: Maybe<Scalars['String']['output']>;
  /** The parent v1 id (schema1 images). */
  parent?: Maybe<Scalars['String']['output']>;
  /** Config size plus the unique layer sizes, in bytes. */
  size?: Maybe<Scalars['Int64']['output']>;
};

/** An environment variable. */
export type EnvVar = {
  __typename?: 'EnvVar';
  /** The part before the first `=`. */
  name: Scalars['String']['output'];
  /** The part after the first `=` (may contain `=`; empty when there is none). */
  value: Scalars['String']['output'];
};

/** A container image or a manifest list (the cluster-scoped Image resource). */
export type Image = Node & {
  __typename?: 'Image';
  /** The Image's own annotations, keys exactly as stored. */
  annotations: Array<KeyValue>;
  /** When the Image object was created in the cluster. */
  created?: Maybe<Scalars['DateTime']['output']>;
  /** The parsed image configuration (dockerImageMetadata). */
  dockerImageMetadata?: Maybe<DockerImageMetadata>;
  /** The pull spec recorded when the image was first imported or pushed (not rewritten per stream). */
  dockerImageReference?: Maybe<Scalars['String']['output']>;
  /** The opaque, stable id of this image (Node), per (cluster, digest): the same image reached through two streams has one id. */
  id: Scalars['ID']['output'];
  /** True for a Docker manifest list or an OCI image index. */
  isManifestList: Scalars['Boolean']['output'];
  /** Layers, base layer first; empty for a manifest list. */
  layers: Array<Layer>;
  /** The manifest media type (dockerImageManifestMediaType). */
  manifestMediaType?: Maybe<Scalars['String']['output']>;
  /** The child manifests of a manifest list, one per platform; empty otherwise. */
  manifests: Array<Manifest>;
  /** The digest, `sha256:<hex>` (metadata.name; very old images have a bare 64-hex v1 id). */
  name: Scalars['String']['output'];
  /**
   * The image for one platform: the matching child of a manifest list, or this image itself when
   * it is a single-platform image of that architecture (OpenShift stores no OS for those; they
   * are taken as linux). Null, never an error, when no platform matches.
   */
  platform?: Maybe<Image>;
  /** Signatures stored on the image, verified or not. */
  signatures: Array<Signature>;
  /** The sum of the layer sizes in bytes (compressed), or null when there are no layers. */
  totalLayerSize?: Maybe<Scalars['Int64']['output']>;
  /**
   * Scan results for this digest on the image's cluster (ImageManifestVuln objects); never an
   * error when no scanner is installed (status SCANNER_NOT_INSTALLED).
   */
  vulnerabilities: VulnerabilityReport;
  /** The same as Query.workloads for this image's digest. */
  workloads: Array<Workload>;
};


/** A container image or a manifest list (the cluster-scoped Image resource). */
export type ImagePlatformArgs = {
  architecture: Scalars['String']['input'];
  os?: InputMaybe<Scalars['String']['input']>;
  variant?: InputMaybe<Scalars['String']['input']>;
};


/** A container image or a manifest list (the cluster-scoped Image resource). */
export type ImageWorkloadsArgs = {
  clusters?: InputMaybe<Array<Scalars['String']['input']>>;
  namespaces?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** A place where a digest is tagged. */
export type ImageLocation = {
  __typename?: 'ImageLocation';
  /** The cluster. */
  cluster: Cluster;
  /** The image through this stream. */
  imageStreamImage?: Maybe<ImageStreamImage>;
  /** When the digest is a child of a manifest list that the stream imported: the list's digest. */
  manifestList?: Maybe<Scalars['String']['output']>;
  /** The namespace. */
  namespace: Scalars['String']['output'];
  /** The image stream's name. */
  stream: Scalars['String']['output'];
  /** The tags whose history contains the digest (or the manifest list holding it), sorted. */
  tags: Array<Scalars['String']['output']>;
};

/** An image stream: named tags, each with a history of images. */
export type ImageStream = Node & {
  __typename?: 'ImageStream';
  /** The stream's annotations, keys exactly as stored. */
  annotations: Array<KeyValue>;
  /** The cluster the stream lives in. */
  cluster: Cluster;
  /** When the stream was created. */
  created?: Maybe<Scalars['DateTime']['output']>;
  /** The integrated-registry repository (status.dockerImageRepository). */
  dockerImageRepository?: Maybe<Scalars['String']['output']>;
  /** The opaque, stable id of this stream (Node): cluster, namespace, name. */
  id: Scalars['ID']['output'];
  /** The image stream's name. */
  name: Scalars['String']['output'];
  /** The image stream's namespace. */
  namespace: Scalars['String']['output'];
  /** The externally routed registry repository, when the registry has a route. */
  publicDockerImageRepository?: Maybe<Scalars['String']['output']>;
  /** Union of spec and status tags, sorted by name. */
  tags: Array<StreamTag>;
};

/** A page of image streams (Relay connection). */
export type ImageStreamConnection = {
  __typename?: 'ImageStreamConnection';
  /** The streams of this page. */
  edges: Array<ImageStreamEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /**
   * How many streams the whole list holds, where the API says (remainingItemCount, or the last
   * page); null when it does not (with a label selector before the last page, or with search).
   */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** One image stream in a page. */
export type ImageStreamEdge = {
  __typename?: 'ImageStreamEdge';
  /** An opaque cursor; pass it as `after` to continue after this stream. */
  cursor: Scalars['String']['output'];
  /** The image stream. */
  node: ImageStream;
};

/** One change to an image stream, as a watch saw it. */
export type ImageStreamEvent = {
  __typename?: 'ImageStreamEvent';
  /** The tags whose current image or import state changed, sorted by tag. */
  changedTags: Array<TagChange>;
  cluster: Cluster;
  /** The stream after the change (null after DELETED). */
  imageStream?: Maybe<ImageStream>;
  namespace: Scalars['String']['output'];
  stream: Scalars['String']['output'];
  /** ADDED, MODIFIED or DELETED (the watch event type). */
  type: Scalars['String']['output'];
};

/** An image as seen through one image stream (the ImageStreamImage resource). */
export type ImageStreamImage = Node & {
  __typename?: 'ImageStreamImage';
  /** The image stream's annotations (the API server copies them onto this resource). */
  annotations: Array<KeyValue>;
  /** The cluster this image was read from. */
  cluster: Cluster;
  /** The image digest (the part of the name after `@`). */
  digest: Scalars['String']['output'];
  /** The opaque, stable id of this image through its stream (Node): cluster, namespace, stream, digest. */
  id: Scalars['ID']['output'];
  /** The image. */
  image: Image;
  /** `<stream>@<digest>`, as requested. */
  name: Scalars['String']['output'];
  /** The image stream's namespace. */
  namespace: Scalars['String']['output'];
  /** The image stream through which the image was read; resolved through the batched loader. */
  stream?: Maybe<ImageStream>;
};

/** A reference to one image stream image. */
export type ImageStreamImageRef = {
  /** The cluster to ask; may be omitted when exactly one cluster is configured. */
  cluster?: InputMaybe<Scalars['String']['input']>;
  /** `<stream>@sha256:<64 lowercase hex>`. */
  name: Scalars['String']['input'];
  /** The image stream's namespace (a DNS-1123 label). */
  namespace: Scalars['String']['input'];
};

/** The current image of one tag (the ImageStreamTag resource). */
export type ImageStreamTag = Node & {
  __typename?: 'ImageStreamTag';
  /** The cluster the tag lives in. */
  cluster: Cluster;
  /** The opaque, stable id of this tag (Node): cluster, namespace, stream, tag. */
  id: Scalars['ID']['output'];
  /** The image the tag points at now. */
  image: Image;
  /** `<stream>:<tag>`. */
  name: Scalars['String']['output'];
  /** The image stream's namespace. */
  namespace: Scalars['String']['output'];
};

/** An image stream tag a workload follows. */
export type ImageTrigger = {
  __typename?: 'ImageTrigger';
  /** The tag's current image (status history[0]); null when the tag has none or cannot be read. */
  currentDigest?: Maybe<Scalars['String']['output']>;
  /** The image stream's namespace. */
  namespace: Scalars['String']['output'];
  /** The image stream's name. */
  stream: Scalars['String']['output'];
  /** The tag. */
  tag: Scalars['String']['output'];
};

/** A key and its value (labels, annotations, claims). */
export type KeyValue = {
  __typename?: 'KeyValue';
  /** The key, exactly as stored. */
  key: Scalars['String']['output'];
  /** The value. */
  value: Scalars['String']['output'];
};

/** One layer (blob) of an image. */
export type Layer = {
  __typename?: 'Layer';
  /** The layer media type; null on objects from servers older than 3.6. */
  mediaType?: Maybe<Scalars['String']['output']>;
  /** The blob digest. */
  name: Scalars['String']['output'];
  /** Compressed size in bytes; 0 for some schema1 layers. */
  size?: Maybe<Scalars['Int64']['output']>;
};

/** One platform-specific child of a manifest list. */
export type Manifest = {
  __typename?: 'Manifest';
  /** CPU architecture, e.g. amd64, arm64. */
  architecture: Scalars['String']['output'];
  /** The child manifest's digest. */
  digest: Scalars['String']['output'];
  /** The child image, resolved through the same stream and the same batch as its siblings. */
  image?: Maybe<Image>;
  /** The child manifest's size in bytes. */
  manifestSize: Scalars['Int64']['output'];
  /** The child manifest's media type. */
  mediaType: Scalars['String']['output'];
  /** Operating system, e.g. linux. */
  os: Scalars['String']['output'];
  /** CPU variant, e.g. v8. */
  variant?: Maybe<Scalars['String']['output']>;
};

/** A namespace (an OpenShift project) of a cluster. */
export type Namespace = {
  __typename?: 'Namespace';
  /** The cluster the namespace belongs to. */
  cluster: Cluster;
  /** When the namespace was created. */
  created?: Maybe<Scalars['DateTime']['output']>;
  /** The project's display name (annotation openshift.io/display-name), when set. */
  displayName?: Maybe<Scalars['String']['output']>;
  /** The namespace's name. */
  name: Scalars['String']['output'];
  /** Active or Terminating. */
  phase?: Maybe<Scalars['String']['output']>;
};

/** A page of namespaces (Relay connection). */
export type NamespaceConnection = {
  __typename?: 'NamespaceConnection';
  /** The namespaces of this page. */
  edges: Array<NamespaceEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** How many namespaces match (all pages). */
  totalCount: Scalars['Int']['output'];
};

/** One namespace in a page. */
export type NamespaceEdge = {
  __typename?: 'NamespaceEdge';
  /** An opaque cursor; pass it as `after` to continue after this namespace. */
  cursor: Scalars['String']['output'];
  /** The namespace. */
  node: Namespace;
};

/**
 * An object with a global id (Relay's Object Identification): Apollo Client and Relay normalise
 * their caches by `__typename` + `id`, and `Query.node(id:)` reads the object again. An id is
 * opaque, stable across requests and replicas, and encodes only what is needed to load the object
 * again (type, cluster, namespace, name or digest), never a credential.
 */
export type Node = {
  /** The object's global id. */
  id: Scalars['ID']['output'];
};

/** Relay page information. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor of the last edge, to pass as `after`. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when another page follows. */
  hasNextPage: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** One configured cluster by name; null when no cluster has that name. */
  cluster?: Maybe<Cluster>;
  /** Every configured cluster, in configuration order. */
  clusters: Array<Cluster>;
  /**
   * Where a digest is tagged, across clusters (all configured clusters when clusters is omitted),
   * including streams that imported a manifest list holding it. A cluster that fails, or takes
   * longer than its deadline, adds an error with `extensions.cluster` and leaves the others'
   * locations in the result; so does a namespace the caller may not read in (FORBIDDEN, naming
   * it), next to the cluster's other namespaces. At most 100 namespaces, and clusters x
   * namespaces at most 500.
   */
  imageLocations: Array<ImageLocation>;
  /** One image stream with its spec and status tags. */
  imageStream?: Maybe<ImageStream>;
  /**
   * One image, read through an image stream that references it
   * (GET imagestreamimages/<stream>@<digest>).
   */
  imageStreamImage?: Maybe<ImageStreamImage>;
  /**
   * Many images at once; results in the order of refs; a failed item is null with an error at its
   * index. Duplicate refs cost one upstream call. At most 500 refs per call.
   */
  imageStreamImages: Array<Maybe<ImageStreamImage>>;
  /** The current image of a tag (GET imagestreamtags/<stream>:<tag>). */
  imageStreamTag?: Maybe<ImageStreamTag>;
  /** The image streams of one namespace, paged with the API's limit/continue (Relay connection). */
  imageStreams: ImageStreamConnection;
  /**
   * The object an id names (Relay refetch), read through the same batched loaders and with the
   * same authorization as the direct fields: an id is not a capability. A malformed or foreign id
   * is BAD_USER_INPUT; an id naming a cluster that is not configured is NOT_FOUND.
   */
  node?: Maybe<Node>;
  /**
   * The objects the ids name, in the order of ids; a failed item is null with an error at its
   * index. At most 500 ids per call (the `--max-refs` limit).
   */
  nodes: Array<Maybe<Node>>;
  /**
   * Workloads running an image affected by an advisory (e.g. CVE-2021-44228), from ImageManifestVuln
   * data (Quay's Container Security Operator). Clusters without the scanner contribute nothing and
   * no error. Same limits and partial results as `workloads`.
   */
  vulnerableWorkloads: Array<Workload>;
  /**
   * Workloads whose pods run the digest (directly, or as a child or parent manifest list), across
   * clusters (all configured clusters when clusters is omitted). A cluster or namespace that
   * fails, or that the credentials may not read, adds an error with `extensions.cluster` and
   * leaves the others' workloads in the result. At most 100 namespaces, and clusters x namespaces
   * at most 500.
   */
  workloads: Array<Workload>;
};


export type QueryClusterArgs = {
  name: Scalars['String']['input'];
};


export type QueryImageLocationsArgs = {
  clusters?: InputMaybe<Array<Scalars['String']['input']>>;
  digest: Scalars['String']['input'];
  namespaces?: InputMaybe<Array<Scalars['String']['input']>>;
};


export type QueryImageStreamArgs = {
  cluster?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
};


export type QueryImageStreamImageArgs = {
  cluster?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
};


export type QueryImageStreamImagesArgs = {
  refs: Array<ImageStreamImageRef>;
};


export type QueryImageStreamTagArgs = {
  cluster?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
};


export type QueryImageStreamsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  cluster?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  namespace: Scalars['String']['input'];
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type QueryVulnerableWorkloadsArgs = {
  advisory: Scalars['String']['input'];
  clusters?: InputMaybe<Array<Scalars['String']['input']>>;
  namespaces?: InputMaybe<Array<Scalars['String']['input']>>;
};


export type QueryWorkloadsArgs = {
  clusters?: InputMaybe<Array<Scalars['String']['input']>>;
  digest: Scalars['String']['input'];
  namespaces?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** Whether scan results exist for a digest. */
export enum ScanStatus {
  /** The scanner is installed but has no results for the digest. */
  NotScanned = 'NOT_SCANNED',
  /** The scanner has results for the digest. */
  Scanned = 'SCANNED',
  /** The cluster does not serve ImageManifestVuln (secscan.quay.redhat.com). */
  ScannerNotInstalled = 'SCANNER_NOT_INSTALLED'
}

/** How many distinct vulnerabilities have one severity. */
export type SeverityCount = {
  __typename?: 'SeverityCount';
  /** Distinct vulnerabilities of that severity. */
  count: Scalars['Int']['output'];
  /** Critical, High, Medium, Low, Negligible or Unknown. */
  severity: Scalars['String']['output'];
};

/** A signature stored on an image (ImageSignature). */
export type Signature = {
  __typename?: 'Signature';
  /** Verification conditions (Trusted, ForImage, Expired, Revoked). */
  conditions: Array<SignatureCondition>;
  /** The signature blob, base64, as stored. */
  content: Scalars['String']['output'];
  /** When the signature was created. */
  created?: Maybe<Scalars['DateTime']['output']>;
  /** The image identity the signature claims (set only once verified). */
  imageIdentity?: Maybe<Scalars['String']['output']>;
  /** Who signed (set only once verified). */
  issuedBy?: Maybe<SignatureIssuer>;
  /** Whom the signing key belongs to (set only once verified). */
  issuedTo?: Maybe<SignatureSubject>;
  /** `<imageDigest>@<signatureName>`. */
  name: Scalars['String']['output'];
  /** Claims read from the signature, keys exactly as stored. */
  signedClaims: Array<KeyValue>;
  /** True when a Trusted=True and a ForImage=True condition are both present. */
  trusted: Scalars['Boolean']['output'];
  /** The signature type, e.g. `atomic`. */
  type: Scalars['String']['output'];
};

/** One verification condition of a signature. */
export type SignatureCondition = {
  __typename?: 'SignatureCondition';
  /** When the condition was last checked. */
  lastProbeTime?: Maybe<Scalars['DateTime']['output']>;
  /** When the condition last changed. */
  lastTransitionTime?: Maybe<Scalars['DateTime']['output']>;
  /** A human-readable message. */
  message?: Maybe<Scalars['String']['output']>;
  /** A one-word reason. */
  reason?: Maybe<Scalars['String']['output']>;
  /** True, False or Unknown. */
  status: Scalars['String']['output'];
  /** Trusted, ForImage, Expired or Revoked. */
  type: Scalars['String']['output'];
};

/** The issuer of a signature. */
export type SignatureIssuer = {
  __typename?: 'SignatureIssuer';
  /** The issuer's common name (for `oc adm verify-image-signature`: the GPG key id). */
  commonName?: Maybe<Scalars['String']['output']>;
  /** The issuer's organization. */
  organization?: Maybe<Scalars['String']['output']>;
};

/** The subject of a signature's key. */
export type SignatureSubject = {
  __typename?: 'SignatureSubject';
  /** The subject's common name. */
  commonName?: Maybe<Scalars['String']['output']>;
  /** The subject's organization. */
  organization?: Maybe<Scalars['String']['output']>;
  /** The id of the key that made the signature. */
  publicKeyID: Scalars['String']['output'];
};

/** One tag of an image stream: its spec (what to track) and status (what was imported). */
export type StreamTag = {
  __typename?: 'StreamTag';
  /** Import conditions; an ImportSuccess=False condition carries the registry's message. */
  conditions: Array<TagEventCondition>;
  /** The spec tag's source (`<kind>/<name>`, e.g. `DockerImage/python:3.8`); null for status-only tags. */
  from?: Maybe<Scalars['String']['output']>;
  /** Tag events, newest first; history[0] is the current image. Empty for a spec-only tag. */
  history: Array<TagEvent>;
  /** The tag name. */
  name: Scalars['String']['output'];
};

/**
 * Live changes, served over Server-Sent Events (graphql-sse: a POST to /graphql with
 * `Accept: text/event-stream`) and WebSocket (graphql-ws, subprotocol `graphql-transport-ws`), with
 * the same credentials, limits and authorization as queries.
 */
export type Subscription = {
  __typename?: 'Subscription';
  /**
   * Changes to image streams as they happen: a tag added, moved or removed, an import failing or
   * recovering. Fed by each cluster's location index (list + watch with the gateway's identity);
   * with `--auth passthrough` an event reaches a caller only for a namespace in which the API server
   * lets the caller watch image streams (SelfSubjectAccessReview with its own token). A change missed
   * while a watch was down (410 Gone, a cluster away) is delivered when the index lists again.
   */
  imageStreamEvents: ImageStreamEvent;
};


/**
 * Live changes, served over Server-Sent Events (graphql-sse: a POST to /graphql with
 * `Accept: text/event-stream`) and WebSocket (graphql-ws, subprotocol `graphql-transport-ws`), with
 * the same credentials, limits and authorization as queries.
 */
export type SubscriptionImageStreamEventsArgs = {
  clusters?: InputMaybe<Array<Scalars['String']['input']>>;
  namespaces?: InputMaybe<Array<Scalars['String']['input']>>;
  streams?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** How one tag changed. */
export type TagChange = {
  __typename?: 'TagChange';
  /** The tag's current digest before and after (null when the tag did not exist / was removed). */
  from?: Maybe<Scalars['String']['output']>;
  /** The ImportSuccess condition after the change, when it is False. */
  importError?: Maybe<Scalars['String']['output']>;
  tag: Scalars['String']['output'];
  to?: Maybe<Scalars['String']['output']>;
};

/** One entry of a tag's history. */
export type TagEvent = {
  __typename?: 'TagEvent';
  /** When the tag started pointing at this image. */
  created?: Maybe<Scalars['DateTime']['output']>;
  /** The image digest. */
  digest: Scalars['String']['output'];
  /** The pull spec of the image through this stream. */
  dockerImageReference: Scalars['String']['output'];
  /** The spec generation that produced this event; null on 3.x objects. */
  generation?: Maybe<Scalars['Int64']['output']>;
  /** The image through this stream; batched with every other image of the query. */
  imageStreamImage?: Maybe<ImageStreamImage>;
};

/** A condition on a tag (ImportSuccess). */
export type TagEventCondition = {
  __typename?: 'TagEventCondition';
  /** The spec generation the condition refers to. */
  generation?: Maybe<Scalars['Int64']['output']>;
  /** The registry's message. */
  message?: Maybe<Scalars['String']['output']>;
  /** A one-word reason, e.g. InternalError. */
  reason?: Maybe<Scalars['String']['output']>;
  /** True, False or Unknown. */
  status: Scalars['String']['output'];
  /** The condition type (ImportSuccess). */
  type: Scalars['String']['output'];
};

/** One advisory affecting a package. */
export type Vulnerability = {
  __typename?: 'Vulnerability';
  /** The advisory's description. */
  description?: Maybe<Scalars['String']['output']>;
  /** The version that fixes it, when known. */
  fixedBy?: Maybe<Scalars['String']['output']>;
  /** A link to the advisory. */
  link?: Maybe<Scalars['String']['output']>;
  /** The advisory, e.g. CVE-2021-44228. */
  name: Scalars['String']['output'];
  /** Critical, High, Medium, Low, Negligible or Unknown. */
  severity: Scalars['String']['output'];
};

/** Scan results of one digest. */
export type VulnerabilityReport = {
  __typename?: 'VulnerabilityReport';
  /** Vulnerabilities per severity, most severe first; severities with none are left out. */
  counts: Array<SeverityCount>;
  /** Packages with vulnerabilities, sorted by name and version. */
  features: Array<VulnerableFeature>;
  /** Highest severity found (Critical, High, Medium, Low, Negligible, Unknown); null when none. */
  highestSeverity?: Maybe<Scalars['String']['output']>;
  /** Whether there are results. */
  status: ScanStatus;
};

/** A package of the image with known vulnerabilities. */
export type VulnerableFeature = {
  __typename?: 'VulnerableFeature';
  /** The package name. */
  name: Scalars['String']['output'];
  /** The installed version. */
  version: Scalars['String']['output'];
  /** Its vulnerabilities, most severe first. */
  vulnerabilities: Array<Vulnerability>;
};

/**
 * Pods running an image, grouped by their top owner. (cluster, namespace, kind, name) identifies
 * the workload; one workload appears once per digest its pods run (twice mid-rollout).
 */
export type Workload = Node & {
  __typename?: 'Workload';
  /** The cluster the pods run on. */
  cluster: Cluster;
  /** Names of the containers (and init containers) running the digest, sorted. */
  containers: Array<Scalars['String']['output']>;
  /** True when it follows a tag whose current image differs from runningDigest (and is not its manifest list). */
  drift: Scalars['Boolean']['output'];
  /**
   * The workload's global id: cluster, namespace, kind, name and the digest its pods run (a
   * workload mid-rollout appears once per digest, so the digest is part of what it is).
   */
  id: Scalars['ID']['output'];
  /**
   * The image running, resolved through the gateway's batched loaders when the caller may read it
   * (through the trigger's stream, else the integrated-registry stream of the pull spec); null
   * otherwise.
   */
  image?: Maybe<Image>;
  /**
   * Deployment, DeploymentConfig, StatefulSet, DaemonSet, CronJob, Job, or Pod for a bare pod: the
   * top owner. A ReplicaSet, ReplicationController or Job without a controller of its own is the
   * top owner itself; an owner the gateway does not read (a custom controller) ends the chain with
   * its own kind.
   */
  kind: Scalars['String']['output'];
  /** The top owner's name (the pod's for a bare pod). */
  name: Scalars['String']['output'];
  /** The namespace of the pods and their owners. */
  namespace: Scalars['String']['output'];
  /** Names of the pods running it, sorted. */
  pods: Array<Scalars['String']['output']>;
  /** The digest the pods report (containerStatuses[].imageID). */
  runningDigest: Scalars['String']['output'];
  /**
   * The image stream tag the workload follows (image.openshift.io/triggers annotation, or a
   * DeploymentConfig ImageChange trigger), for one of `containers`; null when it follows none.
   */
  trigger?: Maybe<ImageTrigger>;
};

export type FindAStreamQueryVariables = Exact<{
  cluster: Scalars['String']['input'];
  namespace?: InputMaybe<Scalars['String']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
  labelSelector?: InputMaybe<Scalars['String']['input']>;
}>;


export type FindAStreamQuery = { __typename?: 'Query', cluster?: { __typename?: 'Cluster', imageStreams: { __typename?: 'ImageStreamConnection', totalCount?: number | null, edges: Array<{ __typename?: 'ImageStreamEdge', node: { __typename?: 'ImageStream', id: string, namespace: string, name: string, tags: Array<{ __typename?: 'StreamTag', name: string, history: Array<{ __typename?: 'TagEvent', digest: string, imageStreamImage?: { __typename?: 'ImageStreamImage', image: { __typename?: 'Image', id: string, name: string, totalLayerSize?: number | null, dockerImageMetadata?: { __typename?: 'DockerImageMetadata', architecture?: string | null } | null } } | null }> }> } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } } | null };

export type ImageLayersAndConfigQueryVariables = Exact<{
  cluster?: InputMaybe<Scalars['String']['input']>;
  namespace: Scalars['String']['input'];
  name: Scalars['String']['input'];
}>;


export type ImageLayersAndConfigQuery = { __typename?: 'Query', imageStreamImage?: { __typename?: 'ImageStreamImage', name: string, image: { __typename?: 'Image', name: string, dockerImageReference?: string | null, totalLayerSize?: number | null, layers: Array<{ __typename?: 'Layer', name: string, size?: number | null, mediaType?: string | null }>, dockerImageMetadata?: { __typename?: 'DockerImageMetadata', created?: string | null, architecture?: string | null, config?: { __typename?: 'DockerConfig', user?: string | null, workingDir?: string | null, cmd: Array<string>, entrypoint: Array<string>, exposedPorts: Array<string>, env: Array<{ __typename?: 'EnvVar', name: string, value: string }>, labels: Array<{ __typename?: 'KeyValue', key: string, value: string }> } | null } | null } } | null };

export type ImageSignaturesQueryVariables = Exact<{
  cluster?: InputMaybe<Scalars['String']['input']>;
  namespace: Scalars['String']['input'];
  name: Scalars['String']['input'];
}>;


export type ImageSignaturesQuery = { __typename?: 'Query', imageStreamImage?: { __typename?: 'ImageStreamImage', image: { __typename?: 'Image', name: string, signatures: Array<{ __typename?: 'Signature', name: string, type: string, trusted: boolean, imageIdentity?: string | null, issuedBy?: { __typename?: 'SignatureIssuer', commonName?: string | null, organization?: string | null } | null, conditions: Array<{ __typename?: 'SignatureCondition', type: string, status: string, message?: string | null }> }> } } | null };

export type ListMyNamespacesQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
}>;


export type ListMyNamespacesQuery = { __typename?: 'Query', clusters: Array<{ __typename?: 'Cluster', id: string, name: string, status: { __typename?: 'ClusterStatus', reachable: boolean }, namespaces: { __typename?: 'NamespaceConnection', totalCount: number, edges: Array<{ __typename?: 'NamespaceEdge', node: { __typename?: 'Namespace', name: string, displayName?: string | null } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } }> };

export type ManifestListPlatformsQueryVariables = Exact<{
  cluster?: InputMaybe<Scalars['String']['input']>;
  namespace: Scalars['String']['input'];
  name: Scalars['String']['input'];
}>;


export type ManifestListPlatformsQuery = { __typename?: 'Query', imageStreamImage?: { __typename?: 'ImageStreamImage', image: { __typename?: 'Image', isManifestList: boolean, manifestMediaType?: string | null, manifests: Array<{ __typename?: 'Manifest', os: string, architecture: string, variant?: string | null, digest: string, image?: { __typename?: 'Image', totalLayerSize?: number | null } | null }>, arm64?: { __typename?: 'Image', name: string } | null } } | null };

export type TagHistoryQueryVariables = Exact<{
  cluster?: InputMaybe<Scalars['String']['input']>;
  namespace: Scalars['String']['input'];
  name: Scalars['String']['input'];
}>;


export type TagHistoryQuery = { __typename?: 'Query', imageStream?: { __typename?: 'ImageStream', name: string, dockerImageRepository?: string | null, tags: Array<{ __typename?: 'StreamTag', name: string, from?: string | null, history: Array<{ __typename?: 'TagEvent', created?: string | null, digest: string, imageStreamImage?: { __typename?: 'ImageStreamImage', image: { __typename?: 'Image', totalLayerSize?: number | null } } | null }>, conditions: Array<{ __typename?: 'TagEventCondition', type: string, status: string, reason?: string | null, message?: string | null }> }> } | null };

export type VulnerableWorkloadsQueryVariables = Exact<{
  advisory: Scalars['String']['input'];
}>;


export type VulnerableWorkloadsQuery = { __typename?: 'Query', vulnerableWorkloads: Array<{ __typename?: 'Workload', namespace: string, kind: string, name: string, pods: Array<string>, runningDigest: string, drift: boolean, cluster: { __typename?: 'Cluster', name: string }, trigger?: { __typename?: 'ImageTrigger', stream: string, tag: string, currentDigest?: string | null } | null, image?: { __typename?: 'Image', vulnerabilities: { __typename?: 'VulnerabilityReport', highestSeverity?: string | null, counts: Array<{ __typename?: 'SeverityCount', severity: string, count: number }> } } | null }> };

export type WatchTagChangesSubscriptionVariables = Exact<{
  clusters?: InputMaybe<Array<Scalars['String']['input']> | Scalars['String']['input']>;
  namespaces?: InputMaybe<Array<Scalars['String']['input']> | Scalars['String']['input']>;
  streams?: InputMaybe<Array<Scalars['String']['input']> | Scalars['String']['input']>;
}>;


export type WatchTagChangesSubscription = { __typename?: 'Subscription', imageStreamEvents: { __typename?: 'ImageStreamEvent', type: string, namespace: string, stream: string, cluster: { __typename?: 'Cluster', name: string }, changedTags: Array<{ __typename?: 'TagChange', tag: string, from?: string | null, to?: string | null, importError?: string | null }> } };

export type WhereDoesADigestRunQueryVariables = Exact<{
  digest: Scalars['String']['input'];
}>;


export type WhereDoesADigestRunQuery = { __typename?: 'Query', imageLocations: Array<{ __typename?: 'ImageLocation', namespace: string, stream: string, tags: Array<string>, manifestList?: string | null, cluster: { __typename?: 'Cluster', name: string, status: { __typename?: 'ClusterStatus', reachable: boolean } } }> };


export const FindAStreamDocument = {"__meta__":{"hash":"4ffb461ce2fb3e96bded93f13b2e267c6d3632ccbafb3ab9c9507c2e4670a75c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FindAStream"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cluster"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"labelSelector"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cluster"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cluster"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageStreams"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}},{"kind":"Argument","name":{"kind":"Name","value":"labelSelector"},"value":{"kind":"Variable","name":{"kind":"Name","value":"labelSelector"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"digest"}},{"kind":"Field","name":{"kind":"Name","value":"imageStreamImage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"image"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"totalLayerSize"}},{"kind":"Field","name":{"kind":"Name","value":"dockerImageMetadata"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"architecture"}}]}}]}}]}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}}]} as unknown as DocumentNode<FindAStreamQuery, FindAStreamQueryVariables>;
export const ImageLayersAndConfigDocument = {"__meta__":{"hash":"6970db7ae4885536edcfc98bbe5463ad619a592fd6ceef08a10dd53c053e8794"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ImageLayersAndConfig"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cluster"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageStreamImage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cluster"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cluster"}}},{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"image"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"dockerImageReference"}},{"kind":"Field","name":{"kind":"Name","value":"totalLayerSize"}},{"kind":"Field","name":{"kind":"Name","value":"layers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"size"}},{"kind":"Field","name":{"kind":"Name","value":"mediaType"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dockerImageMetadata"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"architecture"}},{"kind":"Field","name":{"kind":"Name","value":"config"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"}},{"kind":"Field","name":{"kind":"Name","value":"workingDir"}},{"kind":"Field","name":{"kind":"Name","value":"cmd"}},{"kind":"Field","name":{"kind":"Name","value":"entrypoint"}},{"kind":"Field","name":{"kind":"Name","value":"exposedPorts"}},{"kind":"Field","name":{"kind":"Name","value":"env"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ImageLayersAndConfigQuery, ImageLayersAndConfigQueryVariables>;
export const ImageSignaturesDocument = {"__meta__":{"hash":"93e81114447fa46b3b134b4a2d4f4ef7a9f43c60c6504cfbea6ceaa19b8094d4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ImageSignatures"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cluster"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageStreamImage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cluster"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cluster"}}},{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"image"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"signatures"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"trusted"}},{"kind":"Field","name":{"kind":"Name","value":"imageIdentity"}},{"kind":"Field","name":{"kind":"Name","value":"issuedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"commonName"}},{"kind":"Field","name":{"kind":"Name","value":"organization"}}]}},{"kind":"Field","name":{"kind":"Name","value":"conditions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ImageSignaturesQuery, ImageSignaturesQueryVariables>;
export const ListMyNamespacesDocument = {"__meta__":{"hash":"be1ba67274a197e513d9d938f16f147a966867cd787c950a5e16da943def21e4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ListMyNamespaces"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reachable"}}]}},{"kind":"Field","name":{"kind":"Name","value":"namespaces"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ListMyNamespacesQuery, ListMyNamespacesQueryVariables>;
export const ManifestListPlatformsDocument = {"__meta__":{"hash":"53df3b1552b235a4f1c5bc26649fe3aeef40797c97b59151a33441914d0c8793"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ManifestListPlatforms"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cluster"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageStreamImage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cluster"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cluster"}}},{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"image"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"isManifestList"}},{"kind":"Field","name":{"kind":"Name","value":"manifestMediaType"}},{"kind":"Field","name":{"kind":"Name","value":"manifests"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"os"}},{"kind":"Field","name":{"kind":"Name","value":"architecture"}},{"kind":"Field","name":{"kind":"Name","value":"variant"}},{"kind":"Field","name":{"kind":"Name","value":"digest"}},{"kind":"Field","name":{"kind":"Name","value":"image"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalLayerSize"}}]}}]}},{"kind":"Field","alias":{"kind":"Name","value":"arm64"},"name":{"kind":"Name","value":"platform"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"architecture"},"value":{"kind":"StringValue","value":"arm64","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ManifestListPlatformsQuery, ManifestListPlatformsQueryVariables>;
export const TagHistoryDocument = {"__meta__":{"hash":"0fbc408c5734bc7d119fea1553b79bb774051dd2389ae44e01338a82ba15acbf"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TagHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cluster"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageStream"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cluster"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cluster"}}},{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"dockerImageRepository"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"digest"}},{"kind":"Field","name":{"kind":"Name","value":"imageStreamImage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"image"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalLayerSize"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"conditions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]}}]} as unknown as DocumentNode<TagHistoryQuery, TagHistoryQueryVariables>;
export const VulnerableWorkloadsDocument = {"__meta__":{"hash":"4d121e1afd8d2be7f19c59b88a7268788d2aaeef2f5eb25aae04b0cb69dd4bda"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"VulnerableWorkloads"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"advisory"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"vulnerableWorkloads"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"advisory"},"value":{"kind":"Variable","name":{"kind":"Name","value":"advisory"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cluster"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"pods"}},{"kind":"Field","name":{"kind":"Name","value":"runningDigest"}},{"kind":"Field","name":{"kind":"Name","value":"drift"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stream"}},{"kind":"Field","name":{"kind":"Name","value":"tag"}},{"kind":"Field","name":{"kind":"Name","value":"currentDigest"}}]}},{"kind":"Field","name":{"kind":"Name","value":"image"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"vulnerabilities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"highestSeverity"}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<VulnerableWorkloadsQuery, VulnerableWorkloadsQueryVariables>;
export const WatchTagChangesDocument = {"__meta__":{"hash":"43ff534ec41233accdc14cfdd88e357a004b5cc91b3b5f6812d1e368a4036d7a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"WatchTagChanges"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clusters"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespaces"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"streams"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageStreamEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"clusters"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clusters"}}},{"kind":"Argument","name":{"kind":"Name","value":"namespaces"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespaces"}}},{"kind":"Argument","name":{"kind":"Name","value":"streams"},"value":{"kind":"Variable","name":{"kind":"Name","value":"streams"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"cluster"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"stream"}},{"kind":"Field","name":{"kind":"Name","value":"changedTags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tag"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"importError"}}]}}]}}]}}]} as unknown as DocumentNode<WatchTagChangesSubscription, WatchTagChangesSubscriptionVariables>;
export const WhereDoesADigestRunDocument = {"__meta__":{"hash":"e27a06b752d94a712e0d8a06883fb44152625d53f38a039539e9af367f524a7e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WhereDoesADigestRun"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"digest"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageLocations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"digest"},"value":{"kind":"Variable","name":{"kind":"Name","value":"digest"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cluster"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reachable"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"stream"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"manifestList"}}]}}]}}]} as unknown as DocumentNode<WhereDoesADigestRunQuery, WhereDoesADigestRunQueryVariables>;