// Logged, did nothing, did not fail.
assert new File(basedir, 'build.log').text =~
    /jrpcgen: no \.x files: \S+ does not exist; nothing to generate/
assert !new File(basedir, 'target/generated-sources/jrpcgen').exists()
