import { readFileSync } from 'node:fs';

/** Real public OpenShift objects, see fixtures/openshift/SOURCES.md. */
const FIXTURES = new URL('../../fixtures/openshift/', import.meta.url);

export function readFixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** A fixture parsed as JSON; the caller casts it to the shape it knows the file has. */
export function readFixture(name: string): unknown {
  return JSON.parse(readFixtureText(name));
}
