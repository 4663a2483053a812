package taleweaver.story;

import org.junit.jupiter.api.Test;
import taleweaver.Refusal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlayerLaneTest {
    @Test
    void oneAtATimeInOrderAndAThirdIsRefused() throws Exception {
        var lane = new PlayerLane(() -> "busy");
        var order = new ArrayList<String>();
        var gate = new CompletableFuture<String>();
        var first = lane.run(1, () -> gate.thenApply(v -> { order.add("first"); return v; }));
        var second = lane.run(1, () -> { order.add("second"); return CompletableFuture.completedFuture("2"); });
        assertEquals(List.of(), order, "the second waits for the first");
        var refused = assertThrows(Refusal.class, () -> lane.run(1, () -> CompletableFuture.completedFuture("3")));
        assertEquals(429, refused.statusCode());
        assertEquals("2", lane.run(2, () -> CompletableFuture.completedFuture("2")).get(), "other players are not held up");
        gate.complete("1");
        assertEquals("1", first.get());
        assertEquals("2", second.get());
        assertEquals(List.of("first", "second"), order);
        assertEquals("4", lane.run(1, () -> CompletableFuture.completedFuture("4")).get(), "the lane is free again");
    }

    @Test
    void aFailedActionDoesNotBlockTheNext() throws Exception {
        var lane = new PlayerLane(() -> "busy");
        var failed = lane.run(1, () -> { throw new IllegalStateException("boom"); });
        assertTrue(failed.isCompletedExceptionally());
        assertEquals("ok", lane.run(1, () -> CompletableFuture.completedFuture("ok")).get());
    }
}
