package taleweaver.images;

import org.jdbi.v3.core.Handle;

import java.util.Optional;

/** Pictures made once and kept, by key ({@code images}). */
public interface ImageDao {
    static Optional<byte[]> png(Handle h, String key) {
        return h.createQuery("select png from images where key = ?").bind(0, key).mapTo(byte[].class).findOne();
    }

    /** The first picture kept under a key stays (two made at once: the other is dropped). */
    static void keep(Handle h, String key, byte[] png) {
        h.execute("insert into images(key, png) values (?, ?) on conflict(key) do nothing", key, png);
    }
}
