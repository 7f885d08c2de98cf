// Generated under generated-test-sources, compiled and run as a test, absent from main.
assert new File(basedir, 'target/generated-test-sources/jrpcgen/ping/Ping.java').isFile()
assert !new File(basedir, 'target/classes/ping').exists()
assert new File(basedir, 'build.log').text.contains('Tests run: 1, Failures: 0, Errors: 0')
