import java.util.zip.ZipFile

// The protocol jar carries shapes.x at its root, beside the classes generated from it.
def jar = new ZipFile(new File(basedir, 'protocol/target/x-from-dependency-protocol-1.0.jar'))
try {
  assert jar.getEntry('shapes.x') != null
  assert jar.getEntry('com/example/shapes/Shape.class') != null
} finally {
  jar.close()
}

// app's #include "shapes.x" resolved into the jar: its types and constants are generated in
// app's package too (an #include splices the file in), and the whole thing compiled.
def out = new File(basedir, 'app/target/generated-sources/jrpcgen/com/example/drawing')
assert new File(out, 'Drawing.java').isFile()
assert new File(out, 'DrawingConstants.java').text.contains('MAX_NAME = 16')
assert new File(basedir, 'app/target/classes/com/example/drawing/App.class').isFile()
assert new File(basedir, 'app/target/jrpcgen/dependencies/generate/shapes.x').isFile()
