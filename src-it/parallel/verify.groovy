// Both modules generated and compiled with two builder threads; the goal said it is thread-safe.
def log = new File(basedir, 'build.log').text
assert !log.contains('not marked as @threadSafe')
assert new File(basedir, 'a/target/classes/a/AProg.class').isFile()
assert new File(basedir, 'b/target/classes/b/BProg.class').isFile()
