// Exactly sub/a.x and sub/deep/b.x were compiled: Ant's ** matched zero and one directory.
def out = new File(basedir, 'target/generated-sources/jrpcgen')
assert new File(out, 'a/AConstants.java').isFile()
assert new File(out, 'b/BConstants.java').isFile()
assert !new File(out, 'top').exists()
assert !new File(out, 'broken').exists()
assert new File(basedir, 'build.log').text.contains('jrpcgen: compiled 2 .x files')
