package io.jrpcgen.compiler.model;

import java.util.Map;

/**
 * What the resolver needs besides the file.
 *
 * @param externalTypes types the file uses but does not define, by {@code .x} name, mapped to the
 *     Java class (with a {@code CODEC}) that stands for each
 * @param typeNames the names of the per-file classes the generator adds (constants, typedefs),
 *     which must not collide with generated types
 */
public record ResolveOptions(Map<String, String> externalTypes, Iterable<String> typeNames) {}
