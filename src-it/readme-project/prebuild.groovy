// Writes the README's "Use it in your project" files over this stand-in project, verbatim.
def readme = new File(basedir, '../../../../README.md')
assert readme.isFile() : "no README at ${readme}"
def files = (readme.text =~ /(?s)<!-- readme-project: (\S+) -->\n```\w*\n(.*?)```/)
    .collect { match -> [match[1], match[2]] }
assert files*.getAt(0) == ['pom.xml', 'src/main/x/square.x',
    'src/main/java/com/example/Server.java', 'src/main/java/com/example/Client.java']
files.each { path, text ->
  def file = new File(basedir, path)
  file.parentFile.mkdirs()
  file.text = text
}
return true
