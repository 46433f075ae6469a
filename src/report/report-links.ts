/**
 * Links inside the validation report: to files of the bundle, relative to report.html so they
 * work when the bundle is unpacked beside it, and to KHI cards within the report.
 */
import { escapeHtml } from './escape-html.js';

/**
 * A bundle-relative path as a link target, or undefined when it is not one: the report links only
 * to files beside it (`steps/0003/judgement.json`), never to another scheme or a folder above.
 */
export function bundleHref(path: string): string | undefined {
  const segments = path.split('/');
  const isRelative = segments.every((segment) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(segment));
  return isRelative ? escapeHtml(segments.map(encodeURIComponent).join('/')) : undefined;
}

/** A bundle file as a link showing its path (plain text when the path is not a bundle path). */
export function linkTo(path: string): string {
  const href = bundleHref(path);
  const text = `<code>${escapeHtml(path)}</code>`;
  return href === undefined ? text : `<a href="${href}">${text}</a>`;
}

/** The element id of a KHI's card (KHI names may hold brackets and spaces). */
export function anchorOf(name: string): string {
  return `khi-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
}
