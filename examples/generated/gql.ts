/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ImageLayersAndConfig($cluster: String, $namespace: String!, $name: String!) {\n  imageStreamImage(cluster: $cluster, namespace: $namespace, name: $name) {\n    name\n    image {\n      name\n      dockerImageReference\n      totalLayerSize\n      layers {\n        name\n        size\n        mediaType\n      }\n      dockerImageMetadata {\n        created\n        architecture\n        config {\n          user\n          workingDir\n          cmd\n          entrypoint\n          exposedPorts\n          env {\n            name\n            value\n          }\n          labels {\n            key\n            value\n          }\n        }\n      }\n    }\n  }\n}": typeof types.ImageLayersAndConfigDocument,
    "query ImageSignatures($cluster: String, $namespace: String!, $name: String!) {\n  imageStreamImage(cluster: $cluster, namespace: $namespace, name: $name) {\n    image {\n      name\n      signatures {\n        name\n        type\n        trusted\n        imageIdentity\n        issuedBy {\n          commonName\n          organization\n        }\n        conditions {\n          type\n          status\n          message\n        }\n      }\n    }\n  }\n}": typeof types.ImageSignaturesDocument,
    "query ManifestListPlatforms($cluster: String, $namespace: String!, $name: String!) {\n  imageStreamImage(cluster: $cluster, namespace: $namespace, name: $name) {\n    image {\n      isManifestList\n      manifestMediaType\n      manifests {\n        os\n        architecture\n        variant\n        digest\n        image {\n          totalLayerSize\n        }\n      }\n      arm64: platform(architecture: \"arm64\") {\n        name\n      }\n    }\n  }\n}": typeof types.ManifestListPlatformsDocument,
    "query TagHistory($cluster: String, $namespace: String!, $name: String!) {\n  imageStream(cluster: $cluster, namespace: $namespace, name: $name) {\n    name\n    dockerImageRepository\n    tags {\n      name\n      from\n      history {\n        created\n        digest\n        imageStreamImage {\n          image {\n            totalLayerSize\n          }\n        }\n      }\n      conditions {\n        type\n        status\n        reason\n        message\n      }\n    }\n  }\n}": typeof types.TagHistoryDocument,
    "query VulnerableWorkloads($advisory: String!) {\n  vulnerableWorkloads(advisory: $advisory) {\n    cluster {\n      name\n    }\n    namespace\n    kind\n    name\n    pods\n    runningDigest\n    drift\n    trigger {\n      stream\n      tag\n      currentDigest\n    }\n    image {\n      vulnerabilities {\n        highestSeverity\n        counts {\n          severity\n          count\n        }\n      }\n    }\n  }\n}": typeof types.VulnerableWorkloadsDocument,
    "query WhereDoesADigestRun($digest: String!) {\n  imageLocations(digest: $digest) {\n    cluster {\n      name\n      status {\n        reachable\n      }\n    }\n    namespace\n    stream\n    tags\n    manifestList\n  }\n}": typeof types.WhereDoesADigestRunDocument,
};
const documents: Documents = {
    "query ImageLayersAndConfig($cluster: String, $namespace: String!, $name: String!) {\n  imageStreamImage(cluster: $cluster, namespace: $namespace, name: $name) {\n    name\n    image {\n      name\n      dockerImageReference\n      totalLayerSize\n      layers {\n        name\n        size\n        mediaType\n      }\n      dockerImageMetadata {\n        created\n        architecture\n        config {\n          user\n          workingDir\n          cmd\n          entrypoint\n          exposedPorts\n          env {\n            name\n            value\n          }\n          labels {\n            key\n            value\n          }\n        }\n      }\n    }\n  }\n}": types.ImageLayersAndConfigDocument,
    "query ImageSignatures($cluster: String, $namespace: String!, $name: String!) {\n  imageStreamImage(cluster: $cluster, namespace: $namespace, name: $name) {\n    image {\n      name\n      signatures {\n        name\n        type\n        trusted\n        imageIdentity\n        issuedBy {\n          commonName\n          organization\n        }\n        conditions {\n          type\n          status\n          message\n        }\n      }\n    }\n  }\n}": types.ImageSignaturesDocument,
    "query ManifestListPlatforms($cluster: String, $namespace: String!, $name: String!) {\n  imageStreamImage(cluster: $cluster, namespace: $namespace, name: $name) {\n    image {\n      isManifestList\n      manifestMediaType\n      manifests {\n        os\n        architecture\n        variant\n        digest\n        image {\n          totalLayerSize\n        }\n      }\n      arm64: platform(architecture: \"arm64\") {\n        name\n      }\n    }\n  }\n}": types.ManifestListPlatformsDocument,
    "query TagHistory($cluster: String, $namespace: String!, $name: String!) {\n  imageStream(cluster: $cluster, namespace: $namespace, name: $name) {\n    name\n    dockerImageRepository\n    tags {\n      name\n      from\n      history {\n        created\n        digest\n        imageStreamImage {\n          image {\n            totalLayerSize\n          }\n        }\n      }\n      conditions {\n        type\n        status\n        reason\n        message\n      }\n    }\n  }\n}": types.TagHistoryDocument,
    "query VulnerableWorkloads($advisory: String!) {\n  vulnerableWorkloads(advisory: $advisory) {\n    cluster {\n      name\n    }\n    namespace\n    kind\n    name\n    pods\n    runningDigest\n    drift\n    trigger {\n      stream\n      tag\n      currentDigest\n    }\n    image {\n      vulnerabilities {\n        highestSeverity\n        counts {\n          severity\n          count\n        }\n      }\n    }\n  }\n}": types.VulnerableWorkloadsDocument,
    "query WhereDoesADigestRun($digest: String!) {\n  imageLocations(digest: $digest) {\n    cluster {\n      name\n      status {\n        reachable\n      }\n    }\n    namespace\n    stream\n    tags\n    manifestList\n  }\n}": types.WhereDoesADigestRunDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ImageLayersAndConfig($cluster: String, $namespace: String!, $name: String!) {\n  imageStreamImage(cluster: $cluster, namespace: $namespace, name: $name) {\n    name\n    image {\n      name\n      dockerImageReference\n      totalLayerSize\n      layers {\n        name\n        size\n        mediaType\n      }\n      dockerImageMetadata {\n        created\n        architecture\n        config {\n          user\n          workingDir\n          cmd\n          entrypoint\n          exposedPorts\n          env {\n            name\n            value\n          }\n          labels {\n            key\n            value\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query ImageLayersAndConfig($cluster: String, $namespace: String!, $name: String!) {\n  imageStreamImage(cluster: $cluster, namespace: $namespace, name: $name) {\n    name\n    image {\n      name\n      dockerImageReference\n      totalLayerSize\n      layers {\n        name\n        size\n        mediaType\n      }\n      dockerImageMetadata {\n        created\n        architecture\n        config {\n          user\n          workingDir\n          cmd\n          entrypoint\n          exposedPorts\n          env {\n            name\n            value\n          }\n          labels {\n            key\n            value\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ImageSignatures($cluster: String, $namespace: String!, $name: String!) {\n  imageStreamImage(cluster: $cluster, namespace: $namespace, name: $name) {\n    image {\n      name\n      signatures {\n        name\n        type\n        trusted\n        imageIdentity\n        issuedBy {\n          commonName\n          organization\n        }\n        conditions {\n          type\n          status\n          message\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query ImageSignatures($cluster: String, $namespace: String!, $name: String!) {\n  imageStreamImage(cluster: $cluster, namespace: $namespace, name: $name) {\n    image {\n      name\n      signatures {\n        name\n        type\n        trusted\n        imageIdentity\n        issuedBy {\n          commonName\n          organization\n        }\n        conditions {\n          type\n          status\n          message\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ManifestListPlatforms($cluster: String, $namespace: String!, $name: String!) {\n  imageStreamImage(cluster: $cluster, namespace: $namespace, name: $name) {\n    image {\n      isManifestList\n      manifestMediaType\n      manifests {\n        os\n        architecture\n        variant\n        digest\n        image {\n          totalLayerSize\n        }\n      }\n      arm64: platform(architecture: \"arm64\") {\n        name\n      }\n    }\n  }\n}"): (typeof documents)["query ManifestListPlatforms($cluster: String, $namespace: String!, $name: String!) {\n  imageStreamImage(cluster: $cluster, namespace: $namespace, name: $name) {\n    image {\n      isManifestList\n      manifestMediaType\n      manifests {\n        os\n        architecture\n        variant\n        digest\n        image {\n          totalLayerSize\n        }\n      }\n      arm64: platform(architecture: \"arm64\") {\n        name\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query TagHistory($cluster: String, $namespace: String!, $name: String!) {\n  imageStream(cluster: $cluster, namespace: $namespace, name: $name) {\n    name\n    dockerImageRepository\n    tags {\n      name\n      from\n      history {\n        created\n        digest\n        imageStreamImage {\n          image {\n            totalLayerSize\n          }\n        }\n      }\n      conditions {\n        type\n        status\n        reason\n        message\n      }\n    }\n  }\n}"): (typeof documents)["query TagHistory($cluster: String, $namespace: String!, $name: String!) {\n  imageStream(cluster: $cluster, namespace: $namespace, name: $name) {\n    name\n    dockerImageRepository\n    tags {\n      name\n      from\n      history {\n        created\n        digest\n        imageStreamImage {\n          image {\n            totalLayerSize\n          }\n        }\n      }\n      conditions {\n        type\n        status\n        reason\n        message\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query VulnerableWorkloads($advisory: String!) {\n  vulnerableWorkloads(advisory: $advisory) {\n    cluster {\n      name\n    }\n    namespace\n    kind\n    name\n    pods\n    runningDigest\n    drift\n    trigger {\n      stream\n      tag\n      currentDigest\n    }\n    image {\n      vulnerabilities {\n        highestSeverity\n        counts {\n          severity\n          count\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query VulnerableWorkloads($advisory: String!) {\n  vulnerableWorkloads(advisory: $advisory) {\n    cluster {\n      name\n    }\n    namespace\n    kind\n    name\n    pods\n    runningDigest\n    drift\n    trigger {\n      stream\n      tag\n      currentDigest\n    }\n    image {\n      vulnerabilities {\n        highestSeverity\n        counts {\n          severity\n          count\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query WhereDoesADigestRun($digest: String!) {\n  imageLocations(digest: $digest) {\n    cluster {\n      name\n      status {\n        reachable\n      }\n    }\n    namespace\n    stream\n    tags\n    manifestList\n  }\n}"): (typeof documents)["query WhereDoesADigestRun($digest: String!) {\n  imageLocations(digest: $digest) {\n    cluster {\n      name\n      status {\n        reachable\n      }\n    }\n    namespace\n    stream\n    tags\n    manifestList\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;