/**
 * oci reference: image references as Docker reads them (github.com/distribution/reference: `reference.go`,
 * `normalize.go`, `regexp.go`): `[domain/]path[:tag][@digest]`.
 *
 * Normalisation (ParseNormalizedNamed / splitDockerDomain): the first path component is a registry domain only when
 * it contains `.` or `:`, is `localhost`, or has an uppercase letter; otherwise the domain is `docker.io`
 * (`index.docker.io` is rewritten to it), and a one-component name on docker.io gets `library/`. Path components
 * must be lowercase. The familiar form drops `docker.io/` and `library/` again (`alpine:3`), for display.
 * Only sha256 digests are accepted (see digest.ts). Every error names the problem and the input.
 */
import { WasmboxError } from '../../shared/errors.ts';
import { isDigest, type Digest } from './digest.ts';

export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
/** distribution NameTotalLengthMax: the whole name, domain included. */
const MAX_NAME_LENGTH = 255;
/** Longest possible valid reference is ~460 characters (name 255, tag 128, digest 71); refuse longer before parsing. */
const MAX_INPUT_LENGTH = 1024;

// distribution regexp.go, piece by piece (each used on one short, already-split part, so no backtracking blow-up).
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const IMAGE_ID = /^[a-f0-9]{64}$/;

export interface ImageReference {
  /** Registry host[:port], e.g. `docker.io`, `localhost:5000`, `ghcr.io`. */
  readonly domain: string;
  /** Repository path inside the registry, e.g. `library/alpine`. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: Digest;
}

/** A reference that does not parse; `data.reference` is the (cut) input. Kind InvalidArgument. */
export class ImageReferenceError extends WasmboxError {
  constructor(input: string, problem: string) {
    const shown = input.length > 100 ? `${input.slice(0, 100)}…` : input;
    super('InvalidArgument', `invalid reference format "${shown}": ${problem}`, { data: { reference: shown } });
  }
}

/** Parses and normalises `input` (`alpine` -> docker.io/library/alpine). No default tag is added: see withDefaultTag. */
export function parseReference(input: string): ImageReference {
  if (typeof input !== 'string') throw new ImageReferenceError(String(input), 'expected a string');
  const fail = (problem: string): never => {
    throw new ImageReferenceError(input, problem);
  };
  if (input === '') fail('the reference is empty');
  if (input.length > MAX_INPUT_LENGTH) fail(`longer than ${MAX_INPUT_LENGTH} characters`);
  if (IMAGE_ID.test(input)) fail('a repository name cannot be a 64-character hexadecimal string (that is an image ID)');

  let rest = input;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const text = rest.slice(at + 1);
    if (!isDigest(text)) fail(`digest "${text.slice(0, 80)}" is invalid: expected "sha256:" followed by 64 lowercase hex characters`);
    digest = text as Digest;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`tag "${tag.slice(0, 140)}" is invalid: 1 to 128 of letters, digits, "_", "." and "-", not starting with "." or "-"`);
  }
  if (rest === '') fail('the repository name is missing');

  const { domain, path } = splitDockerDomain(rest);
  if (!DOMAIN.test(domain)) fail(`registry "${domain}" is not a valid host[:port]`);
  if (path !== path.toLowerCase()) fail(`repository name "${path}" must be lowercase`);
  for (const component of path.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      fail(
        component === ''
          ? 'the repository name has an empty path component'
          : `repository name component "${component}" is invalid: lowercase letters and digits, separated by ".", "_", "__" or "-"`,
      );
    }
  }
  if (domain.length + 1 + path.length > MAX_NAME_LENGTH) fail(`the repository name is longer than ${MAX_NAME_LENGTH} characters`);
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

// distribution normalize.go splitDockerDomain.
function splitDockerDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  let domain: string;
  let path: string;
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    path = name;
  } else {
    domain = first;
    path = name.slice(slash + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_PREFIX + path;
  return { domain, path };
}

/** `ref` with tag `latest` when it has neither tag nor digest (distribution TagNameOnly; what `docker run` uses). */
export function withDefaultTag(ref: ImageReference): ImageReference {
  return ref.tag !== undefined || ref.digest !== undefined ? ref : { ...ref, tag: DEFAULT_TAG };
}

/** Fully qualified name without tag or digest: `docker.io/library/alpine`. */
export function referenceName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** Fully qualified: `docker.io/library/alpine:3@sha256:…` (containerd's image names look like this). */
export function referenceString(ref: ImageReference): string {
  return referenceName(ref) + suffix(ref);
}

/** The short name users type and `docker images` shows: `alpine`, `user/app`, `ghcr.io/o/app` (FamiliarName). */
export function familiarName(ref: ImageReference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return referenceName(ref);
  if (ref.path.startsWith(OFFICIAL_PREFIX)) {
    const rest = ref.path.slice(OFFICIAL_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return ref.path;
}

/** `alpine:3`, `user/app@sha256:…` (FamiliarString). */
export function familiarString(ref: ImageReference): string {
  return familiarName(ref) + suffix(ref);
}

function suffix(ref: ImageReference): string {
  return (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}
