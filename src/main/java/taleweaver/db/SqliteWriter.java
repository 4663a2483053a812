package taleweaver.db;

import org.jdbi.v3.core.ConnectionFactory;
import org.sqlite.SQLiteDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;

/**
 * SQLite's connections: the pool's for reads, and one kept for every write. SQLite empties a connection's page cache
 * when another connection has written since its last transaction; writes taken in turn by the pool's eight connections
 * each found the file changed by the one before and read every page they touched from the file again (20 reads of the
 * file a party declaration, 2 now). The writer is the only connection that writes, so its cache stays valid from one
 * write to the next. A thread holding the write lock ({@code writing}) is given the writer, any other the pool's; the
 * writer is opened when first needed and again after it broke.
 */
final class SqliteWriter implements ConnectionFactory {
    private final SQLiteDataSource source;
    private final DataSource pool;
    private final BooleanSupplier writing;
    /** Used by the thread holding the write lock only. */
    private Connection writer;
    /** Set once the database is closed: a write queued behind the close opens nothing. */
    private boolean closed;

    SqliteWriter(SQLiteDataSource source, DataSource pool, BooleanSupplier writing) {
        this.source = source;
        this.pool = pool;
        this.writing = writing;
    }

    @Override
    public Connection openConnection() throws SQLException {
        if (!writing.getAsBoolean()) return pool.getConnection();
        if (closed) throw new SQLException("the database is closed");
        if (writer == null || writer.isClosed()) writer = source.getConnection();
        return writer;
    }

    @Override
    public void closeConnection(Connection c) throws SQLException {
        if (c != writer) c.close(); // back to the pool; the writer is kept for the next write
    }

    /** Whether {@code c} is the writer (JDBI hands it over as it was opened). */
    boolean isWriter(Connection c) {
        return c == writer;
    }

    /** The writer could not even roll back, so it may still be in its transaction: closed, and opened anew next time. */
    void broken() {
        release();
    }

    /** The database is closed (called with the write lock held): no write opens the writer again. */
    void close() {
        closed = true;
        release();
    }

    private void release() {
        if (writer == null) return;
        try {
            writer.close();
        } catch (SQLException e) {
            // closed as far as writes are concerned
        }
        writer = null;
    }
}
