package io.jrpcgen.compiler.model;

import java.util.Map;

/**
 * What the resolver needs besides the file.
 *
 * @param externalTypes types mapped to a Java class (with a {@code CODEC}) that stands for each, by
 *     {@code .x} name: types the file uses without defining, or defines but should not get
 *     generated
 */
public record ResolveOptions(Map<String, String> externalTypes) {}
