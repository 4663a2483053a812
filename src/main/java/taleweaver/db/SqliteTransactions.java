package taleweaver.db;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.TransactionException;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * SQLite's transactions, begun and ended with the connection's kept statements. The driver's own way (JDBC's
 * auto-commit switched off, commit, switched on again) ran {@code begin immediate; commit; begin immediate; commit}
 * around every write, twice what a transaction needs, each statement compiled anew. JDBI still runs the transaction
 * (nesting, after-commit callbacks); this only says how it begins and ends. SQLite's transactions are serializable,
 * whatever level is asked for.
 */
final class SqliteTransactions implements TransactionHandler {
    private final KeptStatements kept;
    /** Told of a connection that could not even roll back: it must not be lent again. */
    private final Consumer<Connection> broken;
    /** Whether this handle is in a transaction: JDBI gives each handle its own copy ({@link #specialize}). */
    private boolean open;

    SqliteTransactions(KeptStatements kept, Consumer<Connection> broken) {
        this.kept = kept;
        this.broken = broken;
    }

    @Override
    public TransactionHandler specialize(Handle handle) {
        return new SqliteTransactions(kept, broken);
    }

    private void run(Handle handle, String sql, String what) {
        try {
            kept.run(handle.getConnection(), sql);
        } catch (SQLException e) {
            throw new TransactionException("could not " + what, e);
        }
    }

    @Override
    public void begin(Handle handle) {
        if (open) return;
        run(handle, "begin immediate", "begin a transaction");
        open = true;
    }

    @Override
    public void commit(Handle handle) {
        if (!open) return;
        try {
            kept.run(handle.getConnection(), "commit");
            open = false;
        } catch (SQLException e) {
            var failure = new TransactionException("could not commit", e);
            try {
                rollback(handle);
            } catch (RuntimeException again) {
                failure.addSuppressed(again);
            }
            throw failure;
        }
    }

    @Override
    public void rollback(Handle handle) {
        if (!open) return;
        open = false;
        try {
            kept.run(handle.getConnection(), "rollback");
        } catch (SQLException e) {
            broken.accept(handle.getConnection()); // perhaps still in the transaction: never lent again
            throw new TransactionException("could not roll back", e);
        }
    }

    @Override
    public boolean isInTransaction(Handle handle) { return open; }

    @Override
    public void savepoint(Handle handle, String name) { run(handle, "savepoint " + quoted(name), "make a savepoint"); }

    @Override
    public void rollbackToSavepoint(Handle handle, String name) { run(handle, "rollback to " + quoted(name), "roll back to a savepoint"); }

    @Override
    public void releaseSavepoint(Handle handle, String name) { run(handle, "release " + quoted(name), "release a savepoint"); }

    private static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
        if (open) throw new IllegalStateException("Already in transaction");
        handle.begin(); // through the handle, as commit and rollback below: it runs the after-commit callbacks
        try {
            R result = callback.withHandle(handle);
            if (open) handle.commit();
            return result;
        } catch (Throwable failure) {
            try {
                handle.rollback(); // also after a failed commit (which rolled back already): the callbacks hear of it
            } catch (RuntimeException again) {
                failure.addSuppressed(again);
            }
            throw failure;
        }
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, TransactionIsolationLevel level, HandleCallback<R, X> callback) throws X {
        return inTransaction(handle, callback);
    }
}
