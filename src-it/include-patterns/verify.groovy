// Exactly sub/a.x and sub/deep/b.x were compiled: Ant's ** matched zero and one directory.
def out = new File(basedir, 'target/generated-sources/jrpcgen')
assert new File(out, 'a/AConstants.java').isFile()
assert new File(out, 'b/BConstants.java').isFile()
assert !new File(out, 'top').exists()
assert !new File(out, 'broken').exists()
assert new File(basedir, 'build.log').text.contains('jrpcgen: compiled 2 .x files')

// The jar carries the compiled .x files (and only those), with their paths, for #include.
def jar = new java.util.zip.ZipFile(new File(basedir, 'target/include-patterns-1.0.jar'))
try {
  assert jar.getEntry('sub/a.x') != null
  assert jar.getEntry('sub/deep/b.x') != null
  assert jar.getEntry('top.x') == null
  assert jar.getEntry('sub/skip/broken.x') == null
} finally {
  jar.close()
}
