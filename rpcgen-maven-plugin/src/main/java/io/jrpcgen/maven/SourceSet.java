package io.jrpcgen.maven;

import java.util.List;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.model.Resource;
import org.apache.maven.project.MavenProject;

/** The project's main or test sources, as a goal of the plugin adds to and compiles against. */
enum SourceSet {
  MAIN {
    @Override
    void addSourceRoot(MavenProject project, String directory) {
      project.addCompileSourceRoot(directory);
    }

    @Override
    List<Resource> resources(MavenProject project) {
      return project.getResources();
    }

    @Override
    List<String> classpath(MavenProject project) throws DependencyResolutionRequiredException {
      return project.getCompileClasspathElements();
    }

    @Override
    String ownOutputDirectory(MavenProject project) {
      return project.getBuild().getOutputDirectory();
    }
  },
  TEST {
    @Override
    void addSourceRoot(MavenProject project, String directory) {
      project.addTestCompileSourceRoot(directory);
    }

    @Override
    List<Resource> resources(MavenProject project) {
      return project.getTestResources();
    }

    @Override
    List<String> classpath(MavenProject project) throws DependencyResolutionRequiredException {
      return project.getTestClasspathElements();
    }

    @Override
    String ownOutputDirectory(MavenProject project) {
      return project.getBuild().getTestOutputDirectory();
    }
  };

  /** Adds the output directory to the project's compile or test-compile sources. */
  abstract void addSourceRoot(MavenProject project, String directory);

  /** The project's main or test resources, the list itself. */
  abstract List<Resource> resources(MavenProject project);

  /** The class path the generated code compiles against: the main or the test one. */
  abstract List<String> classpath(MavenProject project)
      throws DependencyResolutionRequiredException;

  /** The goal's own output on that class path, which is not a dependency. */
  abstract String ownOutputDirectory(MavenProject project);
}
