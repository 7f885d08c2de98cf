package io.jrpcgen.compiler.naming;

import io.jrpcgen.compiler.diag.Diagnostics;
import io.jrpcgen.compiler.diag.SourcePos;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.lang.model.SourceVersion;

/**
 * One Java scope (a package's types, a class's fields, methods or nested types): hands out each
 * name once, as JavaPoet's {@code NameAllocator} does, and reports every collision with the {@code
 * .x} name that came first. Names the generated code itself uses there are reserved: a {@code .x}
 * name that maps to one gets a trailing {@code _}.
 */
final class NameScope {
  private final Diagnostics diagnostics;
  private final boolean ignoreCase;
  private final Set<String> reserved;
  private final Map<String, String> owners = new HashMap<>();
  private final Set<String> claimed = new HashSet<>();

  /**
   * A scope where {@code reserved} are taken by the generated code; {@code ignoreCase} for classes,
   * which must also be distinct files on case-insensitive file systems.
   */
  NameScope(Diagnostics diagnostics, boolean ignoreCase, Set<String> reserved) {
    this.diagnostics = diagnostics;
    this.ignoreCase = ignoreCase;
    this.reserved = reserved;
  }

  /** Whether {@code name} itself is taken, by the generated code or by an earlier claim. */
  boolean isTaken(String name) {
    return reserved.contains(name) || claimed.contains(name);
  }

  /**
   * Claims {@code javaName} (with {@code _} appended if reserved) for {@code xdrName}, defined at
   * {@code pos}; reports a collision or a name Java does not accept. Returns the name.
   */
  String claim(String javaName, String xdrName, SourcePos pos) {
    String name = reserved.contains(javaName) ? javaName + "_" : javaName;
    if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name)) {
      diagnostics.error(
          pos, "'" + xdrName + "' gives the Java name '" + name + "', which Java does not accept");
      return name;
    }
    claimed.add(name);
    String other = owners.putIfAbsent(key(name), "'" + xdrName + "'");
    if (other != null) {
      diagnostics.error(
          pos, other + " and '" + xdrName + "' both map to the Java name '" + name + "'");
    }
    return name;
  }

  /** Claims {@code name} for something the generator adds, described for collision messages. */
  void claimGenerated(String name, String description) {
    claimed.add(name);
    owners.putIfAbsent(key(name), description);
  }

  private String key(String name) {
    return ignoreCase ? name.toLowerCase(Locale.ROOT) : name;
  }
}
