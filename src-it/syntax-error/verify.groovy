// The build failed with the compiler's file:line:col message, and wrote nothing.
def log = new File(basedir, 'build.log').text
assert log.readLines().any {
  it ==~ /\[ERROR\] \S*broken\.x:4:1: error: syntax error: unexpected '\}'/
}
assert log.contains('jrpcgen: 1 error in .x files; nothing generated')
assert !new File(basedir, 'target/generated-sources/jrpcgen').exists()
