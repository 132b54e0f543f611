// Starts Amazon's DynamoDB Local listening on one address only (127.0.0.1 unless
// -Djobdeck.dynamodb.host says otherwise). The jar's own main binds Jetty to every interface and has
// no option for the address; this launcher builds the same server from the same command line, sets
// the connector's host before Jetty starts, and never configures telemetry (so nothing is sent and
// no dynamodb-local-metadata.json with an installation id is written).
// Run by bin/local/dynamodb-local.ts, compiled once with javac or run as a single-file source program.
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("jobdeck.dynamodb.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    int bound = 0;
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector) {
        ((ServerConnector) connector).setHost(host);
        bound++;
      }
    }
    if (bound == 0) {
      System.err.println("jobdeck: DynamoDB Local has no connector to bind to " + host + "; not starting");
      System.exit(3);
    }
    proxy.start();
  }
}
