/**
 * The workload kinds the simulator serves next to the image API (openshift-image-api.md §6.3):
 * one entry per resource, with the group, version and kind its objects carry. The core group is
 * `''` (`/api/v1`). ImageManifestVuln is served only by a cluster whose seed has the scanner
 * (the Container Security Operator's CRD is installed or not; discovery says which).
 */
export interface WorkloadResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
}

export const SCANNER_GROUP = 'secscan.quay.redhat.com';
/** project.openshift.io: `projects` lists the namespaces a user can see (`oc projects`). */
export const PROJECT_GROUP = 'project.openshift.io';

export const WORKLOAD_RESOURCES: readonly WorkloadResource[] = [
  { group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod' },
  {
    group: '',
    version: 'v1',
    resource: 'replicationcontrollers',
    singular: 'replicationcontroller',
    kind: 'ReplicationController',
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
  },
  { group: 'batch', version: 'v1', resource: 'jobs', singular: 'job', kind: 'Job' },
  { group: 'batch', version: 'v1', resource: 'cronjobs', singular: 'cronjob', kind: 'CronJob' },
  {
    group: 'apps.openshift.io',
    version: 'v1',
    resource: 'deploymentconfigs',
    singular: 'deploymentconfig',
    kind: 'DeploymentConfig',
  },
  {
    group: SCANNER_GROUP,
    version: 'v1alpha1',
    resource: 'imagemanifestvulns',
    singular: 'imagemanifestvuln',
    kind: 'ImageManifestVuln',
  },
];

/** The key of a resource in the seed and in a grant's `resources`: `pods`, `deployments.apps`. */
export const workloadKey = (r: { readonly group: string; readonly resource: string }): string =>
  r.group === '' ? r.resource : `${r.resource}.${r.group}`;
