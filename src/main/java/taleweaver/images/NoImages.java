package taleweaver.images;

import java.util.concurrent.CompletableFuture;

/** images.provider: none — every picture is null. */
public final class NoImages implements ImageMaker {
    @Override public CompletableFuture<byte[]> avatar(String name, String description) { return CompletableFuture.completedFuture(null); }
    @Override public CompletableFuture<byte[]> background(String name, String description) { return CompletableFuture.completedFuture(null); }
    @Override public String name() { return "none"; }
}
