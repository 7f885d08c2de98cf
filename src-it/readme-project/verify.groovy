// The README's server stays up until SIGTERM, its client gets 25 from it, and SIGTERM ends it.
import java.util.concurrent.TimeUnit

def classes = new File(basedir, 'target/classes')
assert new File(classes, 'com/example/square/SquareProg.class').isFile()
def runtimeDir = new File(localRepositoryPath, 'io/jrpcgen/jrpcgen-runtime')
def runtimeJar = runtimeDir.listFiles().collectMany { version ->
  version.listFiles().findAll { it.name ==~ /jrpcgen-runtime-[^-]+(-SNAPSHOT)?\.jar/ }
}.first()
def classPath = classes.path + File.pathSeparator + runtimeJar.path
def java = new File(System.getProperty('java.home'), 'bin/java').path

// Its log (System.Logger, INFO and up) goes to stderr, kept for the assertions' messages.
def serverLog = new File(basedir, 'server.log')
def server = new ProcessBuilder(java, '-cp', classPath, 'com.example.Server', '0')
    .redirectError(serverLog).start()
try {
  def out = new BufferedReader(new InputStreamReader(server.inputStream))
  def first = out.readLine()
  assert first ==~ /square server on port \d+/ : "server said: ${first}; ${serverLog.text}"
  def port = first.tokenize(' ').last()
  // It stays up: the main thread waits in awaitTermination although the server's are daemons.
  assert !server.waitFor(1, TimeUnit.SECONDS)

  def client = new ProcessBuilder(java, '-cp', classPath, 'com.example.Client', '127.0.0.1',
      port, '5').redirectErrorStream(true).start()
  assert client.waitFor(60, TimeUnit.SECONDS)
  def answer = client.inputStream.text.trim()
  assert client.exitValue() == 0 : answer
  assert answer == 'result: 25'

  server.destroy()   // SIGTERM
  assert server.waitFor(30, TimeUnit.SECONDS) : "no stop on SIGTERM: ${serverLog.text}"
  assert serverLog.text.contains('INFO')
} finally {
  server.destroyForcibly()
}
return true
