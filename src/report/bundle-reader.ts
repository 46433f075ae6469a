/**
 * Reading a verification's bundle for the report: every file through the ArtifactStore port,
 * every JSON file checked against its schema, and every problem — missing, unreadable, truncated,
 * not JSON, not the expected shape — turned into a sentence for the report instead of an error.
 * A report about a damaged bundle is still a report, and says what is damaged.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { validateAgainstSchema } from '../config/schema-validation.js';
import type { ArtifactRef, ArtifactStore } from '../store/artifacts/artifact-store.js';

/** Schema issues named per damaged file; the rest are counted. */
const MAX_ISSUES_NAMED = 3;

/** Reads one bundle, collecting what it could not read as notes. */
export interface BundleReader {
  /** Every file of the bundle, sorted by path (empty when it could not be listed). */
  readonly files: readonly ArtifactRef[];
  /** Sentences about what could not be read, in the order found. */
  readonly notes: string[];
  /** The listed file at `path`. */
  file(path: string): ArtifactRef | undefined;
  /**
   * The file at `path` parsed and checked against `schema`; undefined (with a note) when it is
   * damaged, and when it is missing — with a note only if `required`.
   */
  json<S extends TSchema>(path: string, schema: S, required: boolean): Promise<Static<S> | undefined>;
  /** The file's bytes; undefined with a note when it cannot be read. */
  bytes(path: string): Promise<Uint8Array | undefined>;
}

/** Lists the bundle of `deploymentId` and returns a reader over it. */
export async function openBundleReader(store: ArtifactStore, deploymentId: string): Promise<BundleReader> {
  const notes: string[] = [];
  let files: ArtifactRef[] = [];
  let listed = true;
  try {
    files = await store.list(deploymentId);
  } catch (error) {
    listed = false;
    notes.push(`The bundle's files could not be listed: ${messageOf(error)}.`);
  }
  const byPath = new Map(files.map((file) => [file.path, file]));
  const bytes = async (path: string): Promise<Uint8Array | undefined> => {
    const truncated = byPath.get(path)?.truncated;
    if (truncated !== undefined) {
      notes.push(
        `${path} was cut by the store to ${byPath.get(path)?.bytes ?? 0} of its ${truncated.originalBytes} bytes, so it is not used.`,
      );
      return undefined;
    }
    try {
      return await store.read(deploymentId, path);
    } catch (error) {
      notes.push(`${path} could not be read: ${messageOf(error)}.`);
      return undefined;
    }
  };
  return {
    files,
    notes,
    file: (path) => byPath.get(path),
    bytes,
    async json(path, schema, required) {
      // Without a listing every file is tried: the store may still answer reads.
      if (listed && !byPath.has(path)) {
        if (required) notes.push(`${path} is missing from the bundle.`);
        return undefined;
      }
      const content = await bytes(path);
      if (content === undefined) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder().decode(content));
      } catch (error) {
        notes.push(`${path} is damaged: it is not JSON (${messageOf(error)}).`);
        return undefined;
      }
      const checked = validateAgainstSchema(schema, parsed);
      if (checked.ok) return checked.value;
      const named = checked.issues
        .slice(0, MAX_ISSUES_NAMED)
        .map((issue) => `${issue.path} ${issue.message}`);
      const more = checked.issues.length - named.length;
      notes.push(
        `${path} is damaged: ${named.join('; ')}${more > 0 ? ` (and ${more} more problem(s))` : ''}.`,
      );
      return undefined;
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
