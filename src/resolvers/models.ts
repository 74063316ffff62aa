import type * as Wire from '../upstream/types.js';

/**
 * The parents that field resolvers receive (codegen mappers): the upstream wire objects plus
 * the coordinates (cluster, namespace, stream) needed to resolve links through the loaders.
 */

export type { ClusterInfo as ClusterModel } from '../context.js';

export interface StreamCoordinates {
  readonly cluster: string;
  readonly namespace: string;
  readonly stream: string;
}

export interface ImageStreamImageModel extends StreamCoordinates {
  readonly digest: string;
  readonly wire: Wire.ImageStreamImage;
  /** Set when the image came from the content cache: when it was read from the API server. */
  readonly cachedAt?: number | undefined;
}

/** An image is always read through a stream; its manifest-list children resolve through it. */
export interface ImageModel extends StreamCoordinates {
  readonly wire: Wire.Image;
  /** Set when the image came from the content cache: when it was read from the API server. */
  readonly cachedAt?: number | undefined;
}

export interface ManifestModel {
  readonly parent: ImageModel;
  readonly wire: Wire.ImageManifest;
}

export interface ImageStreamModel {
  readonly cluster: string;
  readonly wire: Wire.ImageStream;
}

export interface StreamTagModel extends StreamCoordinates {
  readonly name: string;
  readonly spec: Wire.TagReference | undefined;
  readonly status: Wire.NamedTagEventList | undefined;
}

export interface TagEventModel extends StreamCoordinates {
  readonly wire: Wire.TagEvent;
}

export interface ImageStreamTagModel extends StreamCoordinates {
  /** The tag asked for (the part of the name after `:`). */
  readonly tag: string;
  readonly wire: Wire.ImageStreamTag;
}

export interface ImageLocationModel extends StreamCoordinates {
  readonly tags: readonly string[];
  readonly digest: string;
  readonly manifestList: string | undefined;
}

export type { ClusterStatus as ClusterStatusModel } from '../context.js';

export interface ImageStreamConnectionModel {
  readonly edges: readonly { readonly cursor: string; readonly node: ImageStreamModel }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  readonly totalCount?: number | null | undefined;
}

export interface NamespaceModel {
  readonly cluster: string;
  readonly wire: Wire.Project;
}

export interface NamespaceConnectionModel {
  readonly edges: readonly { readonly cursor: string; readonly node: NamespaceModel }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  readonly totalCount: number;
}

export interface KeyValueModel {
  readonly key: string;
  readonly value: string;
}

/** Wire objects used as parents as they are (aliases, so generated names do not clash). */
export type LayerModel = Wire.ImageLayer;
export type SignatureModel = Wire.ImageSignature;
export type SignatureIssuerModel = Wire.SignatureGenericEntity;
export type SignatureSubjectModel = Wire.SignatureSubject;
export type SignatureConditionModel = Wire.SignatureCondition;
export type DockerImageMetadataModel = Wire.DockerImage;
export type DockerConfigModel = Wire.DockerConfig;
export type TagEventConditionModel = Wire.TagEventCondition;

export type { FoundWorkload as WorkloadModel } from '../loaders/findWorkloads.js';

/** A tag a workload follows, with the cluster it is read from. */
export interface ImageTriggerModel {
  readonly cluster: string;
  readonly namespace: string;
  readonly stream: string;
  readonly tag: string;
}

export type {
  VulnerabilityReport as VulnerabilityReportModel,
  VulnerableFeatureEntry as VulnerableFeatureModel,
  VulnerabilityEntry as VulnerabilityModel,
} from '../loaders/vulnerabilityReportOf.js';
