// Client emitted, server (binder) not; the package is the configured one.
def prog = new File(basedir, 'target/generated-sources/jrpcgen/com/example/rpc/ServiceProg.java')
assert prog.isFile()
assert prog.text.contains('class ServiceVersClient')
assert !prog.text.contains('bindServiceVers')
