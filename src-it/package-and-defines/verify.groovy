// Client emitted, server (binder) not; the package is the configured one.
def prog = new File(basedir, 'target/generated-sources/jrpcgen/com/example/rpc/ServiceProg.java')
assert prog.isFile()
assert prog.text.contains('class ServiceVersClient')
assert !prog.text.contains('bindServiceVers')
// attachXSources false: the .x files stay out of the classes (and the jar).
assert new File(basedir, 'target/classes/com/example/App.class').isFile()
assert !new File(basedir, 'target/classes/service.x').exists()
