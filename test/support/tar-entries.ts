/**
 * Reads a tar.gz (a buffer or a stream) back into its entries, for tests of the bundle archive.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract, type Header } from 'tar-stream';

export interface TarEntry {
  readonly header: Header;
  readonly content: Buffer;
}

/** Every entry of the archive, by name, in archive order. */
export async function readTarGz(archive: Buffer | Readable): Promise<Map<string, TarEntry>> {
  const entries = new Map<string, TarEntry>();
  const parser = extract();
  parser.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    stream.on('end', () => {
      entries.set(header.name, { header, content: Buffer.concat(chunks) });
      next();
    });
  });
  const source = Buffer.isBuffer(archive) ? Readable.from([archive]) : archive;
  await pipeline(source, createGunzip(), parser);
  return entries;
}
