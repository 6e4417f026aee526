/*
 * Local Neo4j Community server for development and tests (Wangge).
 *
 * Runs the embedded DBMS from the Maven Central artifact org.neo4j:neo4j (version pinned in pom.xml) with
 * a Bolt connector on loopback, auth off and small memory settings. No compile step: it is started with
 * Java 17's single-file source launcher,
 *
 *     java -cp "$(cat classpath.txt)" Neo4jLocal.java --home DIR --bolt-port P [--page-cache 192m] [--exit-on-stdin-eof]
 *
 * (ops/neo4j_local.py resolves the classpath with Maven and does this for you).
 *
 * Contract with the caller:
 *   - stdout carries exactly one line, "bolt://127.0.0.1:P", printed and flushed only after the default
 *     database is available and the Bolt port has answered a protocol handshake. Everything else (Neo4j's
 *     own output, errors) goes to stderr; Neo4j's debug log is written under DIR/logs.
 *   - SIGTERM / SIGINT shut the DBMS down cleanly through a shutdown hook; data persists under DIR.
 *   - With --exit-on-stdin-eof the server also shuts down when its stdin is closed, so a server started by a
 *     process that dies without cleaning up (for example a killed test run) does not linger.
 *   - Exit codes: 2 bad arguments, 3 startup failure, 143/130 after SIGTERM/SIGINT (JVM convention).
 */

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

public final class Neo4jLocal {
    private static final String HOST = "127.0.0.1";
    private static final long AVAILABLE_TIMEOUT_MS = 120_000;
    private static final long BOLT_PROBE_TIMEOUT_MS = 30_000;

    private static final Object LOCK = new Object();
    private static DatabaseManagementService dbms; // guarded by LOCK
    private static boolean shuttingDown; // guarded by LOCK

    private Neo4jLocal() {
    }

    public static void main(String[] args) throws Exception {
        // Keep stdout for the single readiness line; anything else printed to System.out goes to stderr.
        PrintStream stdout = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err);

        Path home = null;
        int port = -1;
        long pageCache = parseBytes("192m");
        boolean exitOnStdinEof = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--home" -> home = Path.of(args[++i]).toAbsolutePath();
                    case "--bolt-port" -> port = Integer.parseInt(args[++i]);
                    case "--page-cache" -> pageCache = parseBytes(args[++i]);
                    case "--exit-on-stdin-eof" -> exitOnStdinEof = true;
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            if (home == null || port < 1 || port > 65535) {
                throw new IllegalArgumentException("--home DIR and --bolt-port 1..65535 are required");
            }
        } catch (RuntimeException e) {
            System.err.println("neo4j-local: " + e.getMessage());
            System.err.println("usage: java -cp CLASSPATH Neo4jLocal.java --home DIR --bolt-port P"
                    + " [--page-cache 192m] [--exit-on-stdin-eof]");
            System.exit(2);
            return;
        }

        Runtime.getRuntime().addShutdownHook(new Thread(Neo4jLocal::shutdown, "neo4j-local-shutdown"));

        try {
            Files.createDirectories(home);
            DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                    // Bolt on loopback only, no auth, no HTTP(S).
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, false)
                    // Small footprint: page cache, transaction logs, no preallocation.
                    .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                    .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, 32L * 1024 * 1024)
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    // Fast stop: the Bolt server otherwise idles ~10 s in graceful thread-pool waits on
                    // shutdown, after the databases have already been checkpointed.
                    .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5))
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                    .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(1))
                    // No usage-data reporting over the network.
                    .setConfig(GraphDatabaseInternalSettings.udc_network_enabled, false);
            synchronized (LOCK) {
                if (shuttingDown) {
                    return;
                }
                dbms = builder.build();
            }

            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (!db.isAvailable(AVAILABLE_TIMEOUT_MS)) {
                throw new IllegalStateException("database 'neo4j' not available after " + AVAILABLE_TIMEOUT_MS
                        + " ms");
            }
            awaitBoltHandshake(port);
        } catch (Throwable e) {
            System.err.println("neo4j-local: startup failed: " + e);
            e.printStackTrace(System.err);
            System.exit(3);
            return;
        }

        stdout.println("bolt://" + HOST + ":" + port);
        stdout.flush();
        System.err.println("neo4j-local: ready, home " + home);

        if (exitOnStdinEof) {
            Thread watcher = new Thread(Neo4jLocal::exitOnStdinEof, "neo4j-local-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        new CountDownLatch(1).await(); // park; the JVM exits through a signal or System.exit
    }

    private static void shutdown() {
        synchronized (LOCK) {
            shuttingDown = true;
            if (dbms != null) {
                System.err.println("neo4j-local: shutting down");
                try {
                    dbms.shutdown();
                } catch (Throwable e) {
                    System.err.println("neo4j-local: shutdown failed: " + e);
                }
                dbms = null;
                System.err.println("neo4j-local: stopped");
            }
        }
    }

    private static void exitOnStdinEof() {
        try {
            InputStream in = System.in;
            byte[] buf = new byte[256];
            while (in.read(buf) >= 0) {
                // ignore input; only EOF matters
            }
        } catch (IOException e) {
            // treat a broken stdin like EOF
        }
        System.err.println("neo4j-local: stdin closed, exiting");
        System.exit(0);
    }

    /** Bolt handshake: magic 0x6060B017 and four proposed versions; the server answers with one (non-zero). */
    private static void awaitBoltHandshake(int port) throws InterruptedException {
        long deadline = System.nanoTime() + BOLT_PROBE_TIMEOUT_MS * 1_000_000L;
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 1000);
                socket.setSoTimeout(2000);
                OutputStream out = socket.getOutputStream();
                out.write(new byte[] {
                        0x60, 0x60, (byte) 0xB0, 0x17,
                        0, 0, 4, 4, // 4.4
                        0, 0, 0, 5, // 5.0
                        0, 0, 0, 4, // 4.0
                        0, 0, 0, 3, // 3.0
                });
                out.flush();
                int version = new DataInputStream(socket.getInputStream()).readInt();
                if (version != 0) {
                    return;
                }
                last = new IOException("server rejected all proposed Bolt versions");
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Bolt port " + port + " did not answer a handshake", last);
    }

    private static long parseBytes(String text) {
        String t = text.trim().toLowerCase();
        long unit = 1;
        if (t.endsWith("k")) {
            unit = 1024L;
        } else if (t.endsWith("m")) {
            unit = 1024L * 1024;
        } else if (t.endsWith("g")) {
            unit = 1024L * 1024 * 1024;
        }
        if (unit != 1) {
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t) * unit;
    }
}
