package taleweaver.images;

import taleweaver.db.Database;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Pictures are made once per NPC and per task, then kept in the images table (and the shared ones in memory). */
public final class ImageStore {
    private final Database db;
    private final ImageMaker maker;
    private final ConcurrentHashMap<String, byte[]> shared = new ConcurrentHashMap<>();

    public ImageStore(Database db, ImageMaker maker) {
        this.db = db;
        this.maker = maker;
    }

    public CompletableFuture<byte[]> npcAvatar(String name, String persona) {
        return cached("npc:" + name, true, () -> maker.avatar(name, persona));
    }

    /** {@code key} is the task's progress key; personal tasks' pictures are not held in memory. */
    public CompletableFuture<byte[]> background(String key, String name, String summary) {
        return cached("task:" + key, key.startsWith("c:"), () -> maker.background(name, summary));
    }

    private CompletableFuture<byte[]> cached(String key, boolean keepInMemory, Supplier<CompletableFuture<byte[]>> make) {
        byte[] hit = shared.get(key);
        if (hit != null) return CompletableFuture.completedFuture(hit);
        byte[] stored = db.read(h -> ImageDao.png(h, key).orElse(null));
        if (stored != null) {
            if (keepInMemory) shared.put(key, stored);
            return CompletableFuture.completedFuture(stored);
        }
        return make.get().thenApply(png -> {
            if (png == null) return null;
            db.write(h -> {
                ImageDao.keep(h, key, png);
                return null;
            });
            if (keepInMemory) shared.put(key, png);
            return png;
        });
    }
}
