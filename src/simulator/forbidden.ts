import type { Answer } from './Answer.js';
import type { ResourceAttributes } from './authorize.js';
import { quote, status } from './status.js';

/**
 * The 403 the API server sends when authorization fails, worded as
 * k8s.io/apiserver responsewriters.Forbidden and apierrors.NewForbidden word it:
 * `<resource>.<group> "<name>" is forbidden: User "<user>" cannot <verb> resource
 * "<resource>[/<subresource>]" in API group "<group>" in the namespace "<ns>"` (or `at the
 * cluster scope`); no name part for a collection; details name the resource without its
 * subresource. `&`, `<` and `>` in the second half are HTML-escaped, as the server does.
 */
export function forbidden(user: string, attributes: ResourceAttributes): Answer {
  const { verb, group, resource, subresource, namespace, name } = attributes;
  const checked = subresource === '' ? resource : `${resource}/${subresource}`;
  const where = namespace === '' ? 'at the cluster scope' : `in the namespace ${quote(namespace)}`;
  const reason = sanitize(
    `User ${quote(user)} cannot ${verb} resource ${quote(checked)} in API group ${quote(group)} ${where}`,
  );
  const qualified = group === '' ? resource : `${resource}.${group}`;
  let message: string;
  if (qualified === '') message = `forbidden: ${reason}`;
  else if (name === '') message = `${qualified} is forbidden: ${reason}`;
  else message = `${qualified} ${quote(name)} is forbidden: ${reason}`;
  return {
    status: 403,
    body: status(403, 'Forbidden', message, {
      ...(name === '' ? {} : { name }),
      ...(group === '' ? {} : { group }),
      ...(resource === '' ? {} : { kind: resource }),
    }),
  };
}

function sanitize(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
