package io.jrpcgen.compiler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import javax.lang.model.SourceVersion;

/**
 * The Java classes that one build generated from the types of one {@code .x} file, by {@code .x}
 * name, kept beside the file as {@code FILE.x.classes} (a jar ships both): a build that {@code
 * #include}s the file uses these classes instead of generating its types again.
 *
 * <p>The text is one {@code name=package.Class} line per type, sorted, after {@code #} comments.
 *
 * @param types the fully qualified class of each struct, union and enum, by its {@code .x} name
 */
public record GeneratedClasses(Map<String, String> types) {
  /** What a classes file's name adds to the name of its {@code .x} file. */
  public static final String SUFFIX = ".classes";

  /** A file larger than this is no classes file; it is refused rather than read. */
  static final long MAX_FILE_BYTES = 4L << 20;

  public GeneratedClasses {
    types = Map.copyOf(types);
  }

  /** The classes file beside {@code xFile}: {@code shapes.x} → {@code shapes.x.classes}. */
  public static Path fileFor(Path xFile) {
    return xFile.resolveSibling(xFile.getFileName() + SUFFIX);
  }

  /** The {@code .x} file that {@code classesFile} describes: the same name without the suffix. */
  public static Path xFileOf(Path classesFile) {
    String name = classesFile.getFileName().toString();
    if (!name.endsWith(SUFFIX) || name.length() == SUFFIX.length()) {
      throw new IllegalArgumentException(
          classesFile + ": a classes file is named after its .x file, FILE.x" + SUFFIX);
    }
    return classesFile.resolveSibling(name.substring(0, name.length() - SUFFIX.length()));
  }

  /** Reads a classes file; a line that is not {@code name=package.Class} is an error. */
  public static GeneratedClasses read(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
    }
    Map<String, String> types = new TreeMap<>();
    int number = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      number++;
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      int eq = text.indexOf('=');
      String name = eq < 0 ? "" : text.substring(0, eq).strip();
      String javaClass = eq < 0 ? "" : text.substring(eq + 1).strip();
      if (!SourceVersion.isIdentifier(name)
          || !SourceVersion.isName(javaClass)
          || javaClass.indexOf('.') < 0) {
        throw new IOException(
            file + ":" + number + ": expected NAME=package.Class, found '" + text + "'");
      }
      types.put(name, javaClass);
    }
    return new GeneratedClasses(types);
  }

  /** The file's text, which {@link #read} reads back; the same types give the same bytes. */
  public String text(String xFileName) {
    StringBuilder text =
        new StringBuilder("# jrpcgen: the classes generated from ")
            .append(xFileName)
            .append("; an #include of it uses them.\n");
    new TreeMap<>(types)
        .forEach((name, javaClass) -> text.append(name).append('=').append(javaClass).append('\n'));
    return text.toString();
  }
}
