// Starts a real Apache Solr 9 HTTP server with Solr's own embedded Jetty runner.
// Usage: java -cp 'target/solr-lib/*' RunSolr.java <solr-home> <port>
// Prints "SOLR_READY <base-url>" once every core is loaded; SIGTERM stops it cleanly.
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

public class RunSolr {
  public static void main(String[] args) throws Exception {
    String solrHome = args[0];
    int port = Integer.parseInt(args[1]);
    JettyConfig config = JettyConfig.builder().setPort(port).stopAtShutdown(true).build();
    JettySolrRunner runner = new JettySolrRunner(solrHome, config);
    runner.start();
    System.out.println("SOLR_READY " + runner.getBaseUrl());
    System.out.flush();
    Thread.currentThread().join();
  }
}
