/**
 * What a zip file (an XLSX is one) says it unpacks to, read from its central directory without
 * unpacking anything: a file of a hundred kilobytes can unpack to gigabytes (a zip bomb), and the
 * reader would hold them all in memory. Null when the directory cannot be found or read; the
 * reader then refuses the file itself. Zip64 entries, whose sizes do not fit 32 bits, count as
 * unbounded.
 */
export function unpackedSize(zip: Buffer): number | null {
  const END_SIGNATURE = 0x06054b50;
  const ENTRY_SIGNATURE = 0x02014b50;
  // The end record is 22 bytes and may be followed by a comment of up to 65,535.
  const lowest = Math.max(0, zip.length - 22 - 65_535);
  let end = -1;
  for (let i = zip.length - 22; i >= lowest; i--) {
    if (zip.readUInt32LE(i) === END_SIGNATURE) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== ENTRY_SIGNATURE) return null;
    const size = zip.readUInt32LE(at + 24);
    if (size === 0xffffffff) return Infinity;
    total += size;
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return total;
}
