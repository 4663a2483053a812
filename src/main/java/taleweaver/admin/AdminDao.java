package taleweaver.admin;

import org.jdbi.v3.core.Handle;

/** The host's audit log ({@code audit_log}). */
public interface AdminDao {
    static void audit(Handle h, long at, String address, String action, String target, String detail) {
        h.execute("insert into audit_log(at, address, action, target, detail) values (?, ?, ?, ?, ?)", at, address, action, target, detail);
    }
}
