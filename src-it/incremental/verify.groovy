// The second execution saw the same input and configuration and touched nothing.
def log = new File(basedir, 'build.log').text
assert log.contains('jrpcgen: compiled 1 .x files: 4 Java files written, 0 unchanged, 0 removed')
assert log.contains('jrpcgen: 4 Java files from 1 .x files are up to date')
