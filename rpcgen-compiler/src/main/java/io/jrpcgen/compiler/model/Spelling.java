package io.jrpcgen.compiler.model;

/** How far apart two names are, to suggest the defined name an undefined one misspells. */
final class Spelling {
  private Spelling() {}

  /** The edit distance (insertions, deletions, substitutions) between {@code a} and {@code b}. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** Whether a name {@code distance} edits from a defined one is likely that one misspelt. */
  static boolean isLikelyMisspelling(String name, int distance) {
    return distance <= 2 && 4 * distance <= name.length();
  }
}
