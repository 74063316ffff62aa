/** What the simulator answers to one request: an HTTP status, a body sent as JSON, extra headers. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}
