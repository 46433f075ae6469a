/**
 * Error signatures: what makes two failures "the same error". The exception type and message,
 * with the parts that change from one occurrence to the next (numbers, ids, quoted values, URLs,
 * addresses) replaced by placeholders, so `Order 4711 not found` and `Order 815 not found` are
 * one signature and a new exception type or message shape is a new one.
 */
import type { SpanError } from './received-span.js';

/** Longest message kept as sent; the signature is cut at the same length. */
export const MAX_ERROR_MESSAGE_LENGTH = 200;

const REPLACEMENTS: readonly (readonly [RegExp, string])[] = [
  [/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/"[^"]*"|'[^']*'|`[^`]*`/g, '<quoted>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<ip>'],
  [/\b(?:0x)?(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}\b/gi, '<hex>'],
  [/[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi, '<n>'],
  [/\s+/g, ' '],
];

/** The signature of an error of `type` with `message`. */
export function errorSignature(type: string, message: string): string {
  let normalised = message.slice(0, MAX_ERROR_MESSAGE_LENGTH * 2);
  for (const [pattern, placeholder] of REPLACEMENTS) normalised = normalised.replace(pattern, placeholder);
  normalised = normalised.trim().slice(0, MAX_ERROR_MESSAGE_LENGTH);
  return type === '' ? normalised : `${type}: ${normalised}`;
}

/** A SpanError from what the span said. */
export function spanError(type: string, message: string): SpanError {
  return {
    type,
    message: message.slice(0, MAX_ERROR_MESSAGE_LENGTH),
    signature: errorSignature(type, message),
  };
}
