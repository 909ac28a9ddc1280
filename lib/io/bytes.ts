/**
 * Byte helpers shared by the store and the orchestrator.
 *
 * @module
 */

/**
 * Whether two byte arrays hold the same bytes (`null` equals nothing),
 * comparing four bytes at a time where the buffers are aligned.
 *
 * @param a First array, or `null`.
 * @param b Second array.
 * @returns Whether they are equal.
 */
export function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  if (a === null || a.length !== b.length) return false;
  const words = a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0 ? a.length >>> 2 : 0;
  if (words > 0) {
    const wa = new Int32Array(a.buffer, a.byteOffset, words);
    const wb = new Int32Array(b.buffer, b.byteOffset, words);
    for (let i = 0; i < words; i++) if (wa[i] !== wb[i]) return false;
  }
  for (let i = words * 4; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
