import type { Resolvers } from '../generated/graphql.js';
import { DockerConfig, DockerImageMetadata } from './dockerImageMetadata.js';
import { Image, Layer, Manifest } from './image.js';
import { Cluster, ClusterStatus } from './cluster.js';
import {
  ImageLocation,
  ImageStream,
  ImageStreamImage,
  ImageStreamTag,
  StreamTag,
  TagEvent,
  TagEventCondition,
} from './imageStream.js';
import { Query } from './query.js';
import { Node } from './node.js';
import { Namespace } from './namespace.js';
import { DateTime, Int64 } from './scalars.js';
import { ImageStreamEvent, Subscription, TagChange } from './subscription.js';
import { Signature, SignatureCondition, SignatureSubject } from './signature.js';
import { ImageTrigger, Vulnerability, VulnerabilityReport, Workload } from './workload.js';

export const resolvers: Resolvers = {
  Int64,
  DateTime,
  Query,
  Subscription,
  ImageStreamEvent,
  TagChange,
  Cluster,
  ClusterStatus,
  ImageStreamImage,
  Image,
  Layer,
  Manifest,
  Signature,
  SignatureCondition,
  SignatureSubject,
  DockerImageMetadata,
  DockerConfig,
  ImageStream,
  StreamTag,
  TagEvent,
  TagEventCondition,
  ImageStreamTag,
  ImageLocation,
  Node,
  Namespace,
  Workload,
  ImageTrigger,
  VulnerabilityReport,
  Vulnerability,
};
