package io.jrpcgen.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Compiles the {@code .x} files of {@code src/main/x} to Java in {@code
 * target/generated-sources/jrpcgen}, which becomes a compile source root. Unchanged input and
 * configuration regenerate nothing; outputs no longer produced are removed.
 */
@Mojo(
    name = "generate",
    defaultPhase = LifecyclePhase.GENERATE_SOURCES,
    threadSafe = true,
    requiresDependencyResolution = ResolutionScope.COMPILE)
public final class GenerateMojo extends AbstractGenerateMojo {
  /** Where the {@code .x} files are. */
  @Parameter(defaultValue = "${project.basedir}/src/main/x")
  private File sourceDirectory;

  /** Where the Java files go; added to the compile sources. */
  @Parameter(defaultValue = "${project.build.directory}/generated-sources/jrpcgen")
  private File outputDirectory;

  @Override
  File sourceDirectory() {
    return sourceDirectory;
  }

  @Override
  File outputDirectory() {
    return outputDirectory;
  }

  @Override
  SourceSet sourceSet() {
    return SourceSet.MAIN;
  }
}
