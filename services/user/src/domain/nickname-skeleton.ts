import unhomoglyph from 'unhomoglyph';

/**
 * The UTS #39 skeleton of a nickname (section 4, "Confusable Detection") of its lowercase form:
 * lowercase (nicknames are unique without regard to case), NFD, every character replaced by its
 * prototype from Unicode's confusables.txt, NFD again, lowercase again (a prototype may be a
 * capital). Folding case first keeps "ADMIN" and "admin" one skeleton (the table maps capital I
 * to l but not small i); the price is that capital I and small l are not related. Two nicknames with one skeleton look alike
 * (Cyrillic "ѕecA1" and "secA1", "аdmin" and "admin", "rn" and "m"), so only one may exist.
 *
 * The table is the `unhomoglyph` package's data.json (nodeca, MIT): Unicode's confusables.txt
 * (version 13.0.0), the "recommended confusable mapping for IDN", as a character → prototype map.
 * A skeleton is for comparison only; it is never shown.
 */
export function nicknameSkeleton(nickname: string): string {
  return unhomoglyph(nickname.normalize('NFKC').toLowerCase().normalize('NFD')).normalize('NFD').toLowerCase();
}
