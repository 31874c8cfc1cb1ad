package dolbom;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.io.ByteUnit;

/**
 * A local Neo4j 5 Community DBMS with a Bolt connector, for tests.
 *
 * <pre>
 * Neo4jServer --port PORT --data DIR [--password PW] [--host 127.0.0.1] [--pagecache 256m] [--warmup]
 * </pre>
 *
 * {@code --port 0} picks a free port (the ready line names it). {@code --warmup}
 * runs a few statements after start-up and exits (used to build a class-data
 * sharing archive). Everything Neo4j writes (stores, transaction logs,
 * logs/debug.log) goes under DIR.
 * Stdout carries exactly one line, {@code READY bolt://HOST:PORT}, once the
 * default database is available and Bolt accepts connections; everything else
 * goes to stderr. SIGTERM/SIGINT shut the DBMS down cleanly.
 */
public final class Neo4jServer {
    private static final String PROG = "neo4j-server";
    private static final String DEFAULT_USER = "neo4j";
    private static final long START_TIMEOUT_MS = 120_000;

    private Neo4jServer() {}

    static final class Options {
        String host = "127.0.0.1";
        int port = -1;
        Path data;
        String password;
        long pageCacheBytes = ByteUnit.mebiBytes(256);
        boolean warmup;
    }

    public static void main(String[] args) {
        // Keep the real stdout for the ready line alone; any stray library
        // output goes to stderr instead.
        PrintStream stdout = System.out;
        System.setOut(System.err);

        Options opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            fail(2, e.getMessage() + " (usage: --port PORT --data DIR [--password PW] [--host HOST] [--pagecache SIZE] [--warmup])");
            return;
        }

        try {
            Files.createDirectories(opts.data);
        } catch (IOException e) {
            fail(1, "cannot create data directory " + opts.data + ": " + e.getMessage());
        }
        if (opts.port == 0) {
            opts.port = freePort(opts.host);
        }
        checkPortFree(opts.host, opts.port);

        long tPassword = 0;
        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(opts.data).setConfig(settings(opts)).build();
        } catch (Throwable t) {
            Throwable root = rootCause(t);
            if (root instanceof BindException || String.valueOf(root.getMessage()).contains("Address already in use")) {
                fail(1, "port " + opts.port + " on " + opts.host + " is already in use");
            }
            fail(1, "failed to start Neo4j: " + oneLine(root) + " (see " + opts.data.resolve("logs/debug.log") + ")");
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println(PROG + ": shutting down");
            long ts = System.nanoTime();
            try {
                dbms.shutdown();
                System.err.printf("%s: stopped in %d ms%n", PROG, ms(System.nanoTime() - ts));
            } catch (Throwable t) {
                System.err.println(PROG + ": error during shutdown: " + oneLine(rootCause(t)));
            } finally {
                stopped.countDown();
            }
        }, "neo4j-server-shutdown"));

        try {
            awaitAvailable(dbms, GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            awaitAvailable(dbms, GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (opts.password != null) {
                long tp = System.nanoTime();
                setPassword(dbms, opts.password);
                tPassword = System.nanoTime() - tp;
            }
            awaitBolt(opts.host, opts.port);
        } catch (Throwable t) {
            System.err.println(PROG + ": failed to start Neo4j: " + oneLine(rootCause(t)));
            System.exit(1); // the shutdown hook stops the DBMS
        }

        System.err.printf("%s: ready %d ms after JVM start (password setup: %d ms)%n",
                PROG, ManagementFactory.getRuntimeMXBean().getUptime(), ms(tPassword));
        if (opts.warmup) {
            warmup(dbms);
            System.exit(0); // the shutdown hook stops the DBMS
        }
        stdout.println("READY bolt://" + hostForUri(opts.host) + ":" + opts.port);
        stdout.flush();

        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<Setting<?>, Object> settings(Options opts) {
        Map<Setting<?>, Object> s = new HashMap<>();
        SocketAddress bolt = new SocketAddress(opts.host, opts.port);
        s.put(BoltConnector.enabled, true);
        s.put(BoltConnector.listen_address, bolt);
        // Routing tables (neo4j:// URIs) hand this address back to drivers.
        s.put(BoltConnector.advertised_address, bolt);
        s.put(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED);
        s.put(GraphDatabaseSettings.auth_enabled, opts.password != null);
        s.put(GraphDatabaseSettings.auth_minimum_password_length, 1);
        s.put(GraphDatabaseSettings.udc_enabled, false); // dbms.usage_report.enabled
        s.put(GraphDatabaseSettings.pagecache_memory, opts.pageCacheBytes);
        s.put(GraphDatabaseSettings.keep_logical_logs, "keep_none");
        s.put(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16));
        s.put(GraphDatabaseSettings.preallocate_logical_logs, false);
        // Quick stop: wait at most 2 s for open transactions, and 1 s (not 5 s)
        // for the Bolt worker pool.
        s.put(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(2));
        s.put(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1));
        return s;
    }

    /**
     * Exercises the usual code paths once (writes, a uniqueness constraint,
     * reads) so that a JVM run with -XX:ArchiveClassesAtExit records the
     * classes a test session needs; ./start uses that archive to start faster.
     */
    private static void warmup(DatabaseManagementService dbms) {
        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        db.executeTransactionally("CREATE CONSTRAINT warmup_id IF NOT EXISTS FOR (n:Warmup) REQUIRE n.id IS UNIQUE");
        db.executeTransactionally(
                "UNWIND range(1, $n) AS i MERGE (a:Warmup {id: i}) MERGE (b:Warmup {id: i + 1}) MERGE (a)-[:NEXT]->(b)",
                Map.of("n", 100));
        db.executeTransactionally("MATCH (a:Warmup)-[:NEXT]->(b) WHERE a.id < $max RETURN a.id, b.id ORDER BY a.id LIMIT 10",
                Map.of("max", 50), r -> r.stream().count());
        db.executeTransactionally("MATCH (n:Warmup) DETACH DELETE n");
        db.executeTransactionally("DROP CONSTRAINT warmup_id IF EXISTS");
    }

    private static int freePort(String host) {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return probe.getLocalPort();
        } catch (IOException e) {
            fail(1, "cannot find a free port on " + host + ": " + e.getMessage());
            return -1;
        }
    }

    private static void setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER " + DEFAULT_USER + " SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            // A data dir reused with the same password: nothing to change.
            if (!String.valueOf(rootCause(e).getMessage()).contains("cannot be the same")) {
                throw e;
            }
        }
    }

    private static void awaitAvailable(DatabaseManagementService dbms, String name) {
        if (!dbms.database(name).isAvailable(START_TIMEOUT_MS)) {
            throw new IllegalStateException("database '" + name + "' not available after " + START_TIMEOUT_MS + " ms");
        }
    }

    private static void awaitBolt(String host, int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 1000);
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("Bolt not accepting connections on " + host + ":" + port);
                }
                Thread.sleep(50);
            }
        }
    }

    private static void checkPortFree(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            fail(1, "port " + port + " on " + host + " is not available: " + e.getMessage());
        }
    }

    private static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--warmup")) {
                o.warmup = true;
                continue;
            }
            String v;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                v = a.substring(eq + 1);
                a = a.substring(0, eq);
            } else if (i + 1 < args.length) {
                v = args[++i];
            } else {
                throw new IllegalArgumentException("missing value for " + a);
            }
            switch (a) {
                case "--port":
                    try {
                        o.port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port must be a number, got '" + v + "'");
                    }
                    if (o.port < 0 || o.port > 65535) {
                        throw new IllegalArgumentException("--port out of range: " + v);
                    }
                    break;
                case "--data":
                    o.data = Path.of(v).toAbsolutePath().normalize();
                    break;
                case "--password":
                    if (v.isEmpty()) {
                        throw new IllegalArgumentException("--password must not be empty");
                    }
                    o.password = v;
                    break;
                case "--host":
                    o.host = v;
                    break;
                case "--pagecache":
                    o.pageCacheBytes = parseSize(v);
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        if (o.port < 0) {
            throw new IllegalArgumentException("--port is required (0: any free port)");
        }
        if (o.data == null) {
            throw new IllegalArgumentException("--data is required");
        }
        return o;
    }

    private static long parseSize(String v) {
        String s = v.trim().toLowerCase();
        long mult = 1;
        if (s.endsWith("k")) {
            mult = ByteUnit.kibiBytes(1);
        } else if (s.endsWith("m")) {
            mult = ByteUnit.mebiBytes(1);
        } else if (s.endsWith("g")) {
            mult = ByteUnit.gibiBytes(1);
        }
        if (mult != 1) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            return Long.parseLong(s) * mult;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad size '" + v + "' (e.g. 256m)");
        }
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r;
    }

    private static String oneLine(Throwable t) {
        String msg = t.getMessage() == null ? "" : ": " + t.getMessage();
        return (t.getClass().getSimpleName() + msg).replaceAll("\\s+", " ").trim();
    }

    private static void fail(int code, String message) {
        System.err.println(PROG + ": " + message);
        System.err.flush();
        System.exit(code);
    }
}
