package taleweaver.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimiterTest {
    @Test
    void aBudgetIsSpentThenRefillsWithTime() {
        var limiter = new RateLimiter(60); // one a second
        long t = 1_000_000;
        for (int i = 0; i < 60; i++) assertEquals(0, limiter.acquire("ip:a", t), "request " + i);
        long wait = limiter.acquire("ip:a", t);
        assertTrue(wait >= 1 && wait <= 2, "Retry-After of about a second: " + wait);
        assertEquals(0, limiter.acquire("ip:b", t), "another key has its own budget");
        assertEquals(0, limiter.acquire("ip:a", t + 1_100), "a second later one more is allowed");
        assertTrue(limiter.acquire("ip:a", t + 1_100) > 0);
        for (int i = 0; i < 60; i++) assertEquals(0, limiter.acquire("ip:a", t + 70_000), "a minute later the whole budget is back: " + i);
        assertTrue(limiter.acquire("ip:a", t + 70_000) > 0, "and no more: a bucket holds a minute's worth, however long it rested");
    }

    @Test
    void aTryGivenBackIsAllowedAgainButTheBucketHoldsNoMoreThanItsCap() {
        var limiter = new RateLimiter(3);
        long t = 1_000_000;
        for (int i = 0; i < 3; i++) assertEquals(0, limiter.acquire("admin:a", t));
        assertTrue(limiter.acquire("admin:a", t) > 0);
        limiter.giveBack("admin:a");
        assertEquals(0, limiter.acquire("admin:a", t), "the try given back");
        assertTrue(limiter.acquire("admin:a", t) > 0);
        limiter.giveBack("admin:b"); // never counted: nothing to give back
        limiter.acquire("admin:c", t);
        for (int i = 0; i < 5; i++) limiter.giveBack("admin:c");
        for (int i = 0; i < 3; i++) assertEquals(0, limiter.acquire("admin:c", t), "no more than three: " + i);
        assertTrue(limiter.acquire("admin:c", t) > 0);
    }

    @Test
    void theSweepForgetsOnlyBucketsThatHaveRefilled() {
        var limiter = new RateLimiter(60);
        long t = 1_000_000;
        for (int i = 0; i < 60; i++) limiter.acquire("ip:a", t);
        limiter.sweep(t + 500);
        assertTrue(limiter.acquire("ip:a", t + 500) > 0, "a spent bucket is kept");
        limiter.sweep(t + 120_000);
        for (int i = 0; i < 60; i++) assertEquals(0, limiter.acquire("ip:a", t + 120_000), "a full one forgotten is the same as kept: " + i);
        assertTrue(limiter.acquire("ip:a", t + 120_000) > 0);
    }
}
