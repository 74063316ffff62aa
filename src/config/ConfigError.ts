/**
 * A configuration problem found at start-up (flags, kubeconfig, in-cluster files). The message
 * names the culprit; main prints it and exits non-zero before anything is started.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
