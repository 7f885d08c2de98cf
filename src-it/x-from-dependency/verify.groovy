import java.util.zip.ZipFile
import java.util.concurrent.TimeUnit

// The protocol jar carries shapes.x at its root, beside the classes generated from it, and
// shapes.x.classes, which names them.
def jar = new ZipFile(new File(basedir, 'protocol/target/x-from-dependency-protocol-1.0.jar'))
try {
  assert jar.getEntry('shapes.x') != null
  assert jar.getEntry('com/example/shapes/Shape.class') != null
  def classes = jar.getInputStream(jar.getEntry('shapes.x.classes')).text
  assert classes.contains('shape=com.example.shapes.Shape')
} finally {
  jar.close()
}

// app's #include "shapes.x" resolved into the jar, and used the jar's classes: nothing of
// shapes.x (its struct, its program) is generated again in app's package; app's own types are.
def out = new File(basedir, 'app/target/generated-sources/jrpcgen/com/example/drawing')
assert new File(out, 'Drawing.java').isFile()
assert new File(out, 'Drawing.java').text.contains('com.example.shapes.Shape')
assert new File(out, 'DrawingProg.java').isFile()
// shapes.x's constants size app's types too: they are in app's constants class as well.
assert new File(out, 'DrawingConstants.java').text.contains('MAX_NAME = 16')
assert !new File(out, 'Shape.java').exists()
assert !new File(out, 'ShapeProg.java').exists()
assert new File(basedir, 'app/target/jrpcgen/dependencies/generate/shapes.x').isFile()
assert new File(basedir, 'app/target/jrpcgen/dependencies/generate/shapes.x.classes').isFile()

// App serves drawing.x's program and calls it over TCP, the jar's Shape in the argument and in
// the reply: app's generated code runs with the protocol jar's classes, not copies of them.
def runtimeDir = new File(localRepositoryPath, 'io/jrpcgen/jrpcgen-runtime')
def runtimeJar = runtimeDir.listFiles().collectMany { version ->
  version.listFiles().findAll { it.name ==~ /jrpcgen-runtime-[^-]+(-SNAPSHOT)?\.jar/ }
}.first()
def classPath = [new File(basedir, 'app/target/classes'),
    new File(basedir, 'protocol/target/x-from-dependency-protocol-1.0.jar'), runtimeJar]
    .collect { it.path }.join(File.pathSeparator)
def java = new File(System.getProperty('java.home'), 'bin/java').path
def app = new ProcessBuilder(java, '-cp', classPath, 'com.example.drawing.App')
    .redirectErrorStream(true).start()
try {
  assert app.waitFor(60, TimeUnit.SECONDS) : 'App did not finish in 60 s'
  def output = app.inputStream.text
  assert app.exitValue() == 0 : output
  assert output.contains('called over the wire: Drawing[title=framed, shapes=[Shape[name=square')
} finally {
  app.destroyForcibly()
}
return true
