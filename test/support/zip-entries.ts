/**
 * The file names in a zip archive, read from its central directory (APPNOTE.TXT 4.3.12, 4.3.16):
 * enough to tell a real archive with the expected entries from a truncated or foreign file.
 */
export function zipEntryNames(bytes: Uint8Array): string[] {
  const data = Buffer.from(bytes);
  const endOfDirectory = data.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOfDirectory < 0) throw new Error('not a zip archive: no end-of-central-directory record');
  const count = data.readUInt16LE(endOfDirectory + 10);
  let offset = data.readUInt32LE(endOfDirectory + 16);
  const names: string[] = [];
  for (let index = 0; index < count; index += 1) {
    if (data.readUInt32LE(offset) !== 0x02014b50)
      throw new Error(`zip central directory entry ${index} is corrupt`);
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    names.push(data.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}
