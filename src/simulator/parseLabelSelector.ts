/**
 * Label selectors as the API server parses them (apimachinery labels.Parse), for the simulated
 * list of image streams: comma-separated requirements `key`, `!key`, `key=value`,
 * `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`. Returns a predicate over an
 * object's labels, or the error message of the API server's 400.
 */
export type LabelPredicate = (labels: Readonly<Record<string, string>>) => boolean;

const NAME = '[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const KEY = `(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?/)?${NAME}`;
const VALUE = `(?:${NAME})?`;
const REQUIREMENT = new RegExp(
  `^\\s*(?:(!)\\s*(${KEY})|(${KEY})\\s*(?:(==|=|!=)\\s*(${VALUE})|\\s(in|notin)\\s*\\(([^()]*)\\))?)\\s*$`,
);
const VALUE_ONLY = new RegExp(`^${VALUE}$`);

/** Splits on commas outside parentheses. */
function requirements(selector: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    if (depth < 0 || depth > 1) return undefined;
    if (ch === ',' && depth === 0) {
      out.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) return undefined;
  out.push(selector.slice(start));
  return out;
}

export function parseLabelSelector(selector: string): LabelPredicate | string {
  if (selector.trim() === '') return () => true;
  const parts = requirements(selector);
  if (!parts)
    return `unable to parse requirement: unbalanced parentheses in ${JSON.stringify(selector)}`;
  const checks: LabelPredicate[] = [];
  for (const part of parts) {
    const m = REQUIREMENT.exec(part);
    if (!m) return `unable to parse requirement: ${JSON.stringify(part.trim())}`;
    const [, not, notKey, key = '', op, value = '', setOp, setText] = m;
    if (not) {
      const k = notKey ?? '';
      checks.push((labels) => !Object.hasOwn(labels, k));
    } else if (op === '!=') {
      checks.push((labels) => labels[key] !== value || !Object.hasOwn(labels, key));
    } else if (op) {
      checks.push((labels) => Object.hasOwn(labels, key) && labels[key] === value);
    } else if (setOp) {
      const values = (setText ?? '').split(',').map((v) => v.trim());
      if (values.some((v) => !VALUE_ONLY.test(v)))
        return `unable to parse requirement: invalid value in ${JSON.stringify(part.trim())}`;
      checks.push((labels) => {
        const has = Object.hasOwn(labels, key) && values.includes(labels[key] ?? '');
        return setOp === 'in' ? has : !has;
      });
    } else {
      checks.push((labels) => Object.hasOwn(labels, key));
    }
  }
  return (labels) => checks.every((check) => check(labels));
}
