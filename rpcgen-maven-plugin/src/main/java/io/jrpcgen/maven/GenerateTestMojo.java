package io.jrpcgen.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Compiles the {@code .x} files of {@code src/test/x} to Java in {@code
 * target/generated-test-sources/jrpcgen}, which becomes a test source root: for protocols that only
 * tests speak.
 */
@Mojo(
    name = "generate-test",
    defaultPhase = LifecyclePhase.GENERATE_TEST_SOURCES,
    threadSafe = true,
    requiresDependencyResolution = ResolutionScope.TEST)
public final class GenerateTestMojo extends AbstractGenerateMojo {
  /** Where the {@code .x} files are. */
  @Parameter(defaultValue = "${project.basedir}/src/test/x")
  private File sourceDirectory;

  /** Where the Java files go; added to the test sources. */
  @Parameter(defaultValue = "${project.build.directory}/generated-test-sources/jrpcgen")
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
    return SourceSet.TEST;
  }
}
